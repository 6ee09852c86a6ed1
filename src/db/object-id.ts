import type mongoose from 'mongoose';
import { notFound } from '../http/errors.ts';

// The one ObjectId check: a 24-hex string, either case. An id that is not one is answered
// like a missing record (404), never as a cast error.
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Whether a value is a 24-hex MongoDB id (either case). */
export const isObjectId = (value: unknown): value is string => typeof value === 'string' && OBJECT_ID.test(value);

/** The document with this id, or a 404 when the id is malformed or nothing has it. */
export async function findByIdOr404<Doc>(
  model: mongoose.Model<Doc>,
  id: unknown,
  projection?: string | Record<string, 0 | 1>,
): Promise<mongoose.HydratedDocument<Doc>> {
  if (!isObjectId(id)) throw notFound();
  const doc = await model.findById(id, projection);
  if (!doc) throw notFound();
  return doc as mongoose.HydratedDocument<Doc>;
}
