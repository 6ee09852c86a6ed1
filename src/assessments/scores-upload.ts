import type { Request } from 'express';
import multer from 'multer';
import type { ParsedFirst } from '../http/csrf.ts';
import { FieldValidationError } from '../http/errors.ts';
import { MAX_SCORE_BYTES } from './scores-import.ts';

// The CSV of scores: one small file read into memory and never kept, as the roster's CSV of
// service numbers (src/enrolments/roster-upload.ts): parsed before the app-wide CSRF check, its
// token in the body before the file, so a file refused for its size still leaves the token read.

const csvParser = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_SCORE_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
}).single('file');

const UPLOAD_PATH = /^\/sessions\/[^/]+\/assessments\/upload$/;

/** What went wrong while reading the file, kept for the route to show beside the field. */
const refusals = new WeakMap<Request, FieldValidationError>();

export const scoresUploadParsing: ParsedFirst = {
  matches: (req) => req.method === 'POST' && UPLOAD_PATH.test(req.path),
  parse: (req, res, next) => {
    csvParser(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) {
        const key = error.code === 'LIMIT_FILE_SIZE' ? 'assessments:import.tooLarge' : 'assessments:import.notCsv';
        refusals.set(req, new FieldValidationError({ file: { key } }));
        return next();
      }
      next(error);
    });
  },
};

const looksLikeCsv = (file: Express.Multer.File) =>
  /\.csv$/i.test(file.originalname) || ['text/csv', 'application/vnd.ms-excel'].includes(file.mimetype);

/** The uploaded CSV, or the field error to show. */
export function uploadedScores(req: Request): Buffer {
  const refusal = refusals.get(req);
  if (refusal) throw refusal;
  const file = req.file;
  if (!file) throw new FieldValidationError({ file: { key: 'validation.required' } });
  if (!looksLikeCsv(file)) throw new FieldValidationError({ file: { key: 'assessments:import.notCsv' } });
  return file.buffer;
}
