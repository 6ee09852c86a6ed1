import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { requireRole } from '../access/guards.ts';
import { FieldValidationError, type FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { IMPORT_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './import-file.ts';
import { applyImport, getImport, previewImport, type PlannedRow } from './staff-import.service.ts';

// Staff import (decision 0021): a CSV or XLSX file, a preview of what it would do, then the
// confirmation that applies it. The upload form is multipart: its CSRF token travels in the
// action's query string and is checked before the file is read (src/http/csrf.ts); the file is
// read in memory, at most MAX_IMPORT_BYTES, and never stored: its rows are, with the plan.

const managers = requireRole('admin', 'coordinator');

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 2, parts: 3 },
}).single('file');

export function staffImportRouter(): Router {
  const router = Router();

  const renderForm = (req: Request, res: Response, errors: FieldErrors = {}) =>
    res.render('people/import', {
      title: req.t('people:import.title'),
      columns: IMPORT_COLUMNS,
      maxRows: MAX_IMPORT_ROWS,
      errors,
    });

  router.get('/people/import', managers, (req, res) => renderForm(req, res));

  router.post('/people/import', managers, (req, res, next) => {
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) {
        res.status(error.code === 'LIMIT_FILE_SIZE' ? 413 : 422);
        return renderForm(req, res, {
          file: { key: error.code === 'LIMIT_FILE_SIZE' ? 'people:import.tooLarge' : 'people:import.unreadable' },
        });
      }
      if (error) return next(error);
      if (!req.file) {
        res.status(422);
        return renderForm(req, res, { file: { key: 'validation.required' } });
      }
      previewImport(req.user!, req.file).then(
        (id) => res.redirect(303, `/people/import/${id}`),
        (refusal: unknown) => {
          if (!(refusal instanceof FieldValidationError)) return next(refusal);
          res.status(422);
          return renderForm(req, res, refusal.fieldErrors);
        },
      );
    });
  });

  router.get('/people/import/:id', managers, async (req, res) => {
    const found = await getImport(req.user!, String(req.params.id));
    const plan = found.plan as PlannedRow[];
    const count = (outcome: PlannedRow['outcome']) => plan.filter((row) => row.outcome === outcome).length;
    res.render('people/import-preview', {
      title: req.t('people:import.previewTitle'),
      found,
      plan,
      counts: { create: count('create'), update: count('update'), same: count('same'), refused: count('refused') },
    });
  });

  router.post('/people/import/:id', managers, async (req, res) => {
    const id = String(req.params.id);
    const outcome = await applyImport(req.user!, id);
    if (!outcome.applied) {
      flash(req.session, { type: 'error', key: 'people:import.changed' });
      return res.redirect(303, `/people/import/${id}`);
    }
    flash(req.session, {
      type: 'success',
      key: 'people:import.done',
      params: { created: outcome.created, updated: outcome.updated },
    });
    res.redirect(303, `/people/import/${id}`);
  });

  return router;
}
