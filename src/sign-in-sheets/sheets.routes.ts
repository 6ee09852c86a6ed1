import path from 'node:path';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { create as contentDisposition } from 'content-disposition';
import type { i18n } from 'i18next';
import type { Config } from '../config.ts';
import { requireUser } from '../access/guards.ts';
import { flash } from '../http/flash.ts';
import { orRefusal } from '../http/form.ts';
import { formatSize } from '../http/format-size.ts';
import { DiskStorage } from '../storage/disk-storage.ts';
import { sendStoredFile } from '../storage/download.ts';
import { discardUploads, parseUpload, UploadRefusal, uploadedFiles } from '../storage/upload.ts';
import { formatDay, venueTimeIn } from '../sessions/session-times.ts';
import { MAX_SCANS, SCAN_EXTENSIONS, uploadScans } from './paper-uploads.ts';
import { sheetCodes } from './sheet-codes.ts';
import { sheetContent, sheetLanguage } from './sheet-content.ts';
import { renderSheet } from './sheet-pdf.ts';
import { scanNumber, sheetQuerySchema } from './sheets.schemas.ts';
import {
  confirmDay,
  dayOfCode,
  loadSessionDay,
  paperDay,
  scanOf,
  signInSheet,
  unconfirmDay,
} from './sheets.service.ts';

// A session day's paper: the printed sign-in sheet (PDF), the page where its signed scan comes
// back, the scans, the coordinator's confirmation, and the QR code's landing. Every route is
// for signed-in people and decides the rest in the session's order: a session the actor cannot
// see is 404, a day it does not have is 404, what they may not do is 403. The upload form is
// multipart: its CSRF token travels in the action's query string and is checked before this
// runs; the day is then checked before multer writes a byte.

type Deps = { config: Config; i18n: i18n; secret: string };

const params = (req: Request) => ({ id: String(req.params.id), date: String(req.params.date) });
const paperUrl = (id: string, date: string) => `/sessions/${id}/days/${date}/paper`;

export function signInSheetsRouter({ config, i18n, secret }: Deps): Router {
  const router = Router();
  // scans are kept apart from the materials (<uploads>/paper/files): the materials' clean-up
  // (uploads:cleanup) knows only resource versions, and must never take a scan for an orphan
  const storage = new DiskStorage(path.join(config.uploadsDir, 'paper'));
  const codes = sheetCodes(secret);
  const fontsDir = path.join(config.projectRoot, 'assets', 'fonts');
  const origin = (req: Request) => config.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;

  router.get('/sessions/:id/days/:date/sign-in-sheet.pdf', requireUser, async (req, res) => {
    const { id, date } = params(req);
    const sheet = await signInSheet(req.user!, id, date);
    const { paper } = sheetQuerySchema.parse(req.query);
    const language = sheetLanguage(sheet.session.language);
    const url = `${origin(req)}/sheets/${codes.encode(sheet.session._id.toHexString(), sheet.day.date)}`;
    const pdf = await renderSheet(sheetContent(sheet, { paper, url, t: i18n.getFixedT(language), language }), fontsDir);
    req.log.info({ session: id, date, userId: req.user!.id }, 'sign-in sheet printed');
    res.set('Content-Type', 'application/pdf');
    res.set(
      'Content-Disposition',
      contentDisposition(`sign-in-sheet-${sheet.module.code}-${sheet.day.date}.pdf`, { type: 'inline' }),
    );
    res.set('X-Content-Type-Options', 'nosniff');
    res.send(pdf);
  });

  async function renderPaper(req: Request, res: Response, locals: Record<string, unknown> = {}) {
    const { id, date } = params(req);
    const page = await paperDay(req.user!, id, date);
    res.render('sign-in-sheets/paper', {
      title: req.t('sheets:paper.title'),
      page,
      dayLabel: formatDay(page.day, page.session.timeZone, req.language),
      venueTime: venueTimeIn(req.language),
      maxSize: formatSize(config.uploadMaxBytes, req.language),
      maxFiles: MAX_SCANS,
      accept: SCAN_EXTENSIONS,
      errors: {},
      fileProblems: [],
      ...locals,
    });
  }

  router.get('/sessions/:id/days/:date/paper', requireUser, async (req, res) => {
    await renderPaper(req, res);
  });

  /** A refused upload comes back on the page, the problem beside the file field. */
  const onRefusal: ErrorRequestHandler = async (error, req, res, next) => {
    if (!(error instanceof UploadRefusal)) return next(error);
    await discardUploads(req);
    const reasons = [...Object.values(error.fieldErrors), ...error.fileProblems].map((e) => e.key);
    req.log.warn({ status: error.status, reasons, userId: req.user?.id }, 'upload refused');
    res.status(error.status);
    await renderPaper(req, res, { errors: error.fieldErrors, fileProblems: error.fileProblems });
  };

  const uploadTarget: RequestHandler = async (req, _res, next) => {
    const { id, date } = params(req);
    await loadSessionDay(req.user!, id, date, 'upload'); // refused before a byte is written
    next();
  };

  router.post(
    '/sessions/:id/days/:date/paper',
    requireUser,
    uploadTarget,
    parseUpload(config.uploadsDir, config.uploadMaxBytes, 'files', MAX_SCANS),
    async (req: Request, res: Response) => {
      const { id, date } = params(req);
      const count = await uploadScans(storage, req.user!, id, date, uploadedFiles(req));
      req.log.info({ session: id, date, count, userId: req.user!.id }, 'sign-in sheet scan uploaded');
      flash(req.session, { type: 'success', key: 'sheets:upload.done', params: { count } });
      res.redirect(303, paperUrl(id, date));
    },
    onRefusal,
  );

  router.post('/sessions/:id/days/:date/paper/confirm', requireUser, async (req, res) => {
    const { id, date } = params(req);
    await loadSessionDay(req.user!, id, date, 'confirm');
    await orRefusal(req, res, paperUrl(id, date), async () => {
      const outcome = await confirmDay(req.user!, id, date);
      flash(req.session, { type: 'success', key: `sheets:confirm.${outcome}` });
    });
  });

  router.post('/sessions/:id/days/:date/paper/unconfirm', requireUser, async (req, res) => {
    const { id, date } = params(req);
    await unconfirmDay(req.user!, id, date);
    flash(req.session, { type: 'success', key: 'sheets:confirm.undone' });
    res.redirect(303, paperUrl(id, date));
  });

  router.get('/sessions/:id/days/:date/paper/scans/:number', requireUser, async (req, res) => {
    const { id, date } = params(req);
    const scan = await scanOf(req.user!, id, date, scanNumber.parse(req.params.number));
    req.log.info({ session: id, date, scan: scan.number, userId: req.user!.id }, 'sign-in sheet scan downloaded');
    await sendStoredFile(req, res, storage, scan, { attachment: true });
  });

  // the QR code of a printed sheet: signed-in trainers and managers go to the day's upload page;
  // anyone else signed in is told nothing (404); someone not signed in signs in and comes back
  router.get('/sheets/:code', requireUser, async (req, res) => {
    const day = await dayOfCode(req.user!, codes.decode(String(req.params.code)));
    res.redirect(303, paperUrl(day.sessionId, day.date));
  });

  return router;
}
