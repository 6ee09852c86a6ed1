import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

// One pass over an uploaded file: its SHA-256, and what the type check needs to know about
// text (NUL bytes, valid UTF-8, how it begins) and about legacy Office files (stream names).

export type FileScan = {
  sha256: string;
  size: number;
  hasNul: boolean;
  validUtf8: boolean;
  /** the first kilobyte, decoded leniently: how a text begins */
  head: string;
  /** which of the needles occur somewhere in the file */
  found: Set<string>;
};

export async function scanFile(filePath: string, needles: Record<string, Buffer> = {}): Promise<FileScan> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const longest = Math.max(0, ...Object.values(needles).map((n) => n.length));
  const found = new Set<string>();
  let tail = Buffer.alloc(0);
  let head = Buffer.alloc(0);
  let size = 0;
  let hasNul = false;
  let validUtf8 = true;
  for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (head.length < 1024) head = Buffer.concat([head, chunk.subarray(0, 1024 - head.length)]);
    if (!hasNul && chunk.includes(0)) hasNul = true;
    if (validUtf8) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
    if (longest > 0) {
      // the tail of the previous chunk catches a needle split across two chunks
      const window = Buffer.concat([tail, chunk]);
      for (const [name, needle] of Object.entries(needles)) if (window.includes(needle)) found.add(name);
      tail = window.subarray(Math.max(0, window.length - longest + 1));
    }
  }
  if (validUtf8) {
    try {
      decoder.decode(); // a sequence cut off at the end is invalid too
    } catch {
      validUtf8 = false;
    }
  }
  return { sha256: hash.digest('hex'), size, hasNul, validUtf8, head: head.toString('utf8'), found };
}
