/** A refusal by a unique index: MongoDB and FerretDB both answer code 11000 (FerretDB without the index's name). */
export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number } | null)?.code === 11000;

/**
 * An upsert two requests may send at once. Both may try to insert: the unique _id admits one,
 * and the other, refused, is sent again and updates the document the first made.
 */
export async function upsertRacing<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return write();
  }
}
