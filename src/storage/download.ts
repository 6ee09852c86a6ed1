import { pipeline } from 'node:stream/promises';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { notFound } from '../http/errors.ts';
import type { ByteRange, FileStorage } from './file-storage.ts';

// Sends a stored file the safe way: its exact stored type, never sniffed
// (nosniff), inside a sandbox even when opened directly (CSP: sandbox), as an attachment
// unless it is a PDF or an image a browser shows by itself, with the person's own file name
// in any script (RFC 6266 filename*). One byte range at a time, so a video plays and a
// broken download resumes on a slow link.

const INLINE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg']);

export type StoredFileInfo = { storageKey: string; mimeType: string; originalName: string; sha256: string };

export async function sendStoredFile(
  req: Request,
  res: Response,
  storage: FileStorage,
  file: StoredFileInfo,
  /** always an attachment, even a PDF or an image (evidence is kept, not opened in place) */
  { attachment = false } = {},
) {
  const size = await storage.size(file.storageKey);
  if (size === undefined) throw notFound(); // a record whose file is gone: uploads:cleanup reports it
  const etag = `"${file.sha256}"`;
  res.setHeader('Content-Type', file.mimeType);
  res.setHeader(
    'Content-Disposition',
    contentDisposition(file.originalName, {
      type: !attachment && INLINE_TYPES.has(file.mimeType) ? 'inline' : 'attachment',
    }),
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', 'sandbox');
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  if (req.fresh) return void res.status(304).end();

  const range = requestedRange(req, size, etag);
  if (range === 'unsatisfiable') {
    res.status(416).setHeader('Content-Range', `bytes */${size}`);
    return void res.end();
  }
  if (range) {
    res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.setHeader('Content-Length', String(size));
  }
  if (req.method === 'HEAD') return void res.end();
  try {
    await pipeline(storage.open(file.storageKey, range), res);
  } catch (error) {
    if (!res.headersSent) throw error;
    res.destroy(); // the person went away, or the disk failed mid-file: nothing more to say
  }
}

/**
 * The one byte range asked for; undefined for the whole file (no Range, several ranges, a
 * malformed one, or an If-Range naming another version of the file).
 */
function requestedRange(req: Request, size: number, etag: string): ByteRange | 'unsatisfiable' | undefined {
  if (!req.get('range')) return undefined;
  const ifRange = req.get('if-range');
  if (ifRange && ifRange !== etag) return undefined;
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === -2 || ranges === undefined || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}
