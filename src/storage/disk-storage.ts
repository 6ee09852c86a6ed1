import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, opendir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ByteRange, FileStorage, StoredEntry } from './file-storage.ts';

// Files on this server's disk: <uploads>/files/<key>, the key 32 random hex digits. The
// uploads folder sits outside public/, so express.static can never reach it. A file arrives
// in <uploads>/tmp (multer writes there), is checked, and is then renamed into files/ in one
// step: a file under files/ is always complete.

const KEY = /^[0-9a-f]{32}$/;

export function uploadPaths(uploadsDir: string) {
  return { files: path.join(uploadsDir, 'files'), tmp: path.join(uploadsDir, 'tmp') };
}

export class DiskStorage implements FileStorage {
  private readonly filesDir: string;

  constructor(uploadsDir: string) {
    this.filesDir = uploadPaths(uploadsDir).files;
  }

  /** The path of a key; anything that is not one of our keys is refused, so no name reaches the disk. */
  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error('not a storage key');
    return path.join(this.filesDir, key);
  }

  async put(tempPath: string): Promise<string> {
    await mkdir(this.filesDir, { recursive: true }); // one cheap call; the folder may have been removed
    const key = randomBytes(16).toString('hex');
    await rename(tempPath, this.pathOf(key));
    return key;
  }

  open(key: string, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? info.size : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<StoredEntry> {
    yield* listFiles(this.filesDir, (name) => KEY.test(name));
  }
}

/** The files of a folder (none when it does not exist yet), with their size and last change. */
export async function* listFiles(dir: string, wanted: (name: string) => boolean = () => true) {
  let entries;
  try {
    entries = await opendir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for await (const entry of entries) {
    if (!entry.isFile() || !wanted(entry.name)) continue;
    const info = await stat(path.join(dir, entry.name)).catch(() => undefined);
    if (info) yield { key: entry.name, size: info.size, storedAt: info.mtime };
  }
}
