import path from 'node:path';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { Actor } from '../access/actor.ts';
import { keepsCompletionRecords } from '../access/completion.policy.ts';
import { requireUser } from '../access/guards.ts';
import { FieldValidationError, notFound, type FieldErrors, type Translatable } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { handleForm, type FormRefusal } from '../http/form.ts';
import { formatSize } from '../http/format-size.ts';
import { parse } from '../http/validate.ts';
import { formatDate, venueTimeIn } from '../sessions/session-times.ts';
import { DiskStorage } from '../storage/disk-storage.ts';
import { sendStoredFile } from '../storage/download.ts';
import { discardUploads, parseUpload, UploadRefusal, uploadedFiles } from '../storage/upload.ts';
import {
  correctSchema,
  EXPIRING_CHOICES,
  listFilterSchema,
  manualSchema,
  pickerSchema,
  reasonSchema,
  STATUS_FILTERS,
} from './completions.schemas.ts';
import { getRecord, listOptions, listRecords, recordPage, type RecordRow } from './completions.service.ts';
import {
  EVIDENCE_EXTENSIONS,
  EVIDENCE_FIELD,
  EVIDENCE_MAX_BYTES,
  enterRecord,
  manualEntryOptions,
  mayEnterRecords,
} from './manual-entry.service.ts';
import { correctRecord, currentNameOf, reissueRecord, revokeRecord } from './record-changes.service.ts';

// Completion records (decision 0015): the list, one record with its history, a correction, a
// reissue and a revocation (each a form with a reason), and a record entered by hand with its
// evidence. The entry form is multipart: its CSRF token travels in the action's query string and
// is checked before this runs; whether the actor may enter records at all is checked before
// multer writes a byte. The evidence is kept apart from the materials (<uploads>/evidence).

const id = (req: Request) => String(req.params.id);
const recordUrl = (record: { _id: unknown }) => `/completions/${String(record._id)}`;
/** a local date (YYYY-MM-DD) in the reader's language */
const dayIn = (language: string) => (date: string) => formatDate(date, 'UTC', language);

export function completionsRouter(config: Config): Router {
  const router = Router();
  const storage = new DiskStorage(path.join(config.uploadsDir, 'evidence'));
  const evidenceMaxBytes = Math.min(config.uploadMaxBytes, EVIDENCE_MAX_BYTES);
  const origin = (req: Request) => config.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;

  router.get('/completions', requireUser, async (req, res) => {
    const filter = listFilterSchema.parse(req.query);
    const { page, session } = await listRecords(req.user!, filter);
    const options = keepsCompletionRecords(req.user!)
      ? await listOptions(req.user!)
      : { institutions: [], modules: [] };
    res.render('completions/index', {
      title: req.t('completions:list.title'),
      page,
      filter,
      session,
      ...options,
      statuses: STATUS_FILTERS,
      expiringChoices: EXPIRING_CHOICES,
      canEnter: keepsCompletionRecords(req.user!),
      day: dayIn(req.language),
    });
  });

  async function renderNew(req: Request, res: Response, refusal?: FormRefusal & { fileProblems?: Translatable[] }) {
    const picker = pickerSchema.parse(req.query);
    const values = refusal?.values ?? {};
    const options = await manualEntryOptions(req.user!, { q: picker.q, chosen: values.person });
    res.render('completions/new', {
      title: req.t('completions:manual.title'),
      ...options,
      q: picker.q ?? '',
      values,
      errors: refusal?.errors ?? {},
      fileProblems: refusal?.fileProblems ?? [],
      maxSize: formatSize(evidenceMaxBytes, req.language),
      accept: EVIDENCE_EXTENSIONS,
    });
  }

  router.get('/completions/new', requireUser, async (req, res) => {
    await renderNew(req, res);
  });

  const mayEnter: RequestHandler = (req, _res, next) => {
    mayEnterRecords(req.user!); // refused before a byte is written
    next();
  };

  /** A refused entry comes back with what was typed, the problem beside its field; the file is chosen again. */
  const onEntryRefusal: ErrorRequestHandler = async (error, req, res, next) => {
    if (!(error instanceof FieldValidationError || error instanceof UploadRefusal)) return next(error);
    await discardUploads(req);
    const errors: FieldErrors = error.fieldErrors;
    const fileProblems = error instanceof UploadRefusal ? error.fileProblems : [];
    req.log.warn(
      { status: error.status, reasons: Object.keys(errors), userId: req.user?.id },
      'completion entry refused',
    );
    res.status(error.status);
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string') values[name] = value;
    }
    await renderNew(req, res, { values, errors, fileProblems });
  };

  router.post(
    '/completions',
    requireUser,
    mayEnter,
    parseUpload(config.uploadsDir, evidenceMaxBytes, EVIDENCE_FIELD, 1),
    async (req: Request, res: Response) => {
      const input = parse(manualSchema, req.body);
      const record = await enterRecord(storage, req.user!, input, uploadedFiles(req));
      req.log.info({ record: record.id as string, userId: req.user!.id }, 'completion entered by hand');
      flash(req.session, { type: 'success', key: 'completions:manual.done', params: { name: record.nameAsIssued } });
      res.redirect(303, recordUrl(record));
    },
    onEntryRefusal,
  );

  router.get('/completions/:id', requireUser, async (req, res) => {
    const page = await recordPage(req.user!, id(req));
    res.render('completions/show', {
      title: req.t('completions:show.title'),
      ...page,
      verifyUrl: `${origin(req)}/verify/${page.record.verifyCode}`,
      day: dayIn(req.language),
      when: (instant: Date) => venueTimeIn(req.language)(new Date(instant), page.timeZone),
    });
  });

  router.get('/completions/:id/evidence', requireUser, async (req, res) => {
    const { record } = await getRecord(req.user!, id(req), 'downloadEvidence');
    const evidence = record.evidence;
    if (!evidence) throw notFound(); // a record made from a session has none
    req.log.info({ record: record.id as string, userId: req.user!.id }, 'completion evidence downloaded');
    await sendStoredFile(
      req,
      res,
      storage,
      {
        storageKey: evidence.storedName,
        mimeType: evidence.mimeType,
        originalName: evidence.originalName,
        sha256: evidence.sha256 ?? evidence.storedName,
      },
      { attachment: true },
    );
  });

  type Render = (req: Request, res: Response, record: RecordRow, refusal?: FormRefusal) => Promise<void>;

  const renderCorrect: Render = async (req, res, record, refusal) => {
    res.render('completions/correct', {
      title: req.t('completions:correct.title'),
      record,
      values: refusal?.values ?? {
        ...record,
        hours: String(record.hours),
        attendancePercent: record.attendancePercent ?? '',
        pre: record.pre ?? '',
        post: record.post ?? '',
        revision: String(record.revision),
      },
      errors: refusal?.errors ?? {},
    });
  };
  const renderReason =
    (action: 'reissue' | 'revoke'): Render =>
    async (req, res, record, refusal) => {
      res.render(`completions/${action}`, {
        title: req.t(`completions:${action}.title`),
        record,
        currentName: action === 'reissue' ? await currentNameOf(record) : undefined,
        values: refusal?.values ?? { revision: String(record.revision) },
        errors: refusal?.errors ?? {},
        day: dayIn(req.language),
      });
    };

  /**
   * A change of one record (correct, reissue, revoke): the form, and its post. Both load the record
   * for that action first, so someone who may not is refused (404, 403) before the form is read.
   */
  function recordForm<S extends z.ZodType>(
    action: 'correct' | 'reissue' | 'revoke',
    schema: S,
    save: (actor: Actor, id: string, input: z.output<S>) => Promise<unknown>,
    render: Render,
  ) {
    router.get(`/completions/:id/${action}`, requireUser, async (req, res) => {
      const { record } = await getRecord(req.user!, id(req), action);
      await render(req, res, record.toObject() as RecordRow);
    });
    router.post(`/completions/:id/${action}`, requireUser, async (req, res) => {
      const { record } = await getRecord(req.user!, id(req), action);
      await handleForm(req, res, {
        schema,
        save: (input) => save(req.user!, id(req), input),
        success: () => ({ flash: { key: `completions:${action}.done` }, redirect: recordUrl(record) }),
        refused: async (refusal) => {
          const now = (await getRecord(req.user!, id(req))).record;
          await render(req, res, now.toObject() as RecordRow, refusal);
        },
        currentRevision: async () => (await getRecord(req.user!, id(req))).record.revision,
      });
    });
  }

  recordForm('correct', correctSchema, correctRecord, renderCorrect);
  recordForm('reissue', reasonSchema, reissueRecord, renderReason('reissue'));
  recordForm('revoke', reasonSchema, revokeRecord, renderReason('revoke'));

  return router;
}
