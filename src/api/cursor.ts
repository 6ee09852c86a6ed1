import mongoose from 'mongoose';

// A page's cursor: where the next page starts, opaque to the reader. It holds the id of the
// last record sent (pages run in the order of ids, decision 0022) behind a version, so its form
// can change without old cursors being misread.

const VERSION = 'v1';

export function cursorAfter(id: { toHexString(): string }): string {
  return Buffer.from(`${VERSION}:${id.toHexString()}`).toString('base64url');
}

/** The id a cursor starts after; undefined when it is not one this API made. */
export function idOfCursor(cursor: string): mongoose.Types.ObjectId | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const match = /^v1:([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  return match ? new mongoose.Types.ObjectId(match[1]) : undefined;
}
