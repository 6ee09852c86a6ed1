import type { Readable } from 'node:stream';

// Where the bytes of uploaded materials live. Routes and services see only this interface, so
// the disk (one app server) can later give way to the database (several app servers) without
// touching them. Keys are generated here, never taken from a person's file name.

/** A byte range, both ends included, as in an HTTP Range header. */
export type ByteRange = { start: number; end: number };

/** A stored file as the cleanup sees it. */
export type StoredEntry = { key: string; size: number; storedAt: Date };

export interface FileStorage {
  /** Takes over a finished, checked temporary file (it is moved, not copied); returns its new key. */
  put(tempPath: string): Promise<string>;
  /** The stored bytes, or the range of them; the stream fails when the key has no file. */
  open(key: string, range?: ByteRange): Readable;
  /** The stored size in bytes, or undefined when the key has no file. */
  size(key: string): Promise<number | undefined>;
  /** Removes the file; a key with no file is not an error. */
  remove(key: string): Promise<void>;
  /** Every stored file, for the cleanup that finds files no record points to. */
  list(): AsyncIterable<StoredEntry>;
}
