import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { HttpError, type FieldErrors, type Translatable } from '../http/errors.ts';
import { uploadPaths } from './disk-storage.ts';
import { baseName } from './file-name.ts';
import { formatSize } from '../http/format-size.ts';

// Multipart parsing for upload forms. The route checks the CSRF token (in the query string)
// and the person's right to edit before this runs, so nothing is written for a refused
// request. Files land in <uploads>/tmp under random names; whatever is still there when the
// response ends (refused, failed, or taken over by the storage) is deleted then.

export const MAX_FILES = 10;

/** A refused upload, shown beside the file field: 413 for too large or too many, 422 otherwise. */
export class UploadRefusal extends HttpError {
  constructor(
    status: 413 | 422,
    readonly fieldErrors: FieldErrors,
    /** one message per refused file, when several were */
    readonly fileProblems: Translatable[] = [],
  ) {
    super(status, status === 413 ? 'errors.tooLarge' : 'errors.validation');
    this.name = 'UploadRefusal';
  }
}

/** A file as multer left it in the temporary folder. */
export type UploadedFile = { tempPath: string; originalName: string; size: number };

export function uploadedFiles(req: Request): UploadedFile[] {
  const files = Array.isArray(req.files) ? req.files : [];
  return files.map((f) => ({ tempPath: f.path, originalName: f.originalname, size: f.size }));
}

type Limits = { field: string; maxBytes: number; maxFiles: number };

/** Deletes the temporary files of a request (those the storage took over are gone already). */
export async function discardUploads(req: Request): Promise<void> {
  await Promise.all(uploadedFiles(req).map((file) => rm(file.tempPath, { force: true })));
}

function refusalOf(req: Request, error: multer.MulterError, { field, maxBytes, maxFiles }: Limits): UploadRefusal {
  const refused = (status: 413 | 422, key: string, params?: Record<string, string | number>) =>
    new UploadRefusal(status, { [field]: { key, ...(params ? { params } : {}) } });
  switch (error.code) {
    case 'LIMIT_FILE_SIZE': {
      const filename = (error as { filename?: string }).filename;
      const limit = formatSize(maxBytes, req.language);
      return filename
        ? refused(413, 'resources:refused.tooLarge', { name: baseName(filename), limit })
        : refused(413, 'resources:refused.tooLargeAll', { limit });
    }
    case 'LIMIT_FILE_COUNT':
      return refused(413, 'resources:refused.tooMany', { max: maxFiles });
    case 'LIMIT_UNEXPECTED_FILE': // one file too many in our field, or a field the form does not have
      return error.field === field
        ? refused(413, 'resources:refused.tooMany', { max: maxFiles })
        : refused(422, 'resources:refused.badForm');
    default:
      return refused(422, 'resources:refused.badForm');
  }
}

/** Parses an upload form with `maxFiles` files in `field`; refusals become UploadRefusal. */
export function parseUpload(uploadsDir: string, maxBytes: number, field: string, maxFiles: number): RequestHandler {
  const tmp = uploadPaths(uploadsDir).tmp;
  const limits = { field, maxBytes, maxFiles };
  const parser = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, done) => {
        mkdir(tmp, { recursive: true }).then(
          () => done(null, tmp),
          (error: Error) => done(error, tmp),
        );
      },
      filename: (_req, _file, done) => done(null, `${randomBytes(16).toString('hex')}.part`),
    }),
    // browsers send file names as UTF-8; busboy would read them as Latin-1
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: maxFiles, fields: 10, fieldSize: 4096, parts: maxFiles + 10 },
  }).array(field, maxFiles);

  return (req, res, next) => {
    // a body larger than every allowed file together is refused before a byte is read
    const declared = Number(req.get('content-length'));
    if (declared > maxFiles * maxBytes + 1024 * 1024) {
      res.set('Connection', 'close');
      return next(refusalOf(req, new multer.MulterError('LIMIT_FILE_SIZE'), limits));
    }
    // the last resort: a refusal discards them before answering (see discardUploads)
    res.on('close', () => void discardUploads(req).catch(() => undefined));
    parser(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError) return next(refusalOf(req, error, limits));
      next(error);
    });
  };
}
