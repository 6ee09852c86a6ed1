import type mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { anyOf } from '../db/query.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { checkFiles, discardStored, storeFiles, type StoredFile } from '../storage/checked-files.ts';
import type { FileStorage } from '../storage/file-storage.ts';
import { UploadRefusal, type UploadedFile } from '../storage/upload.ts';
import { PaperScan } from './paper-scan.model.ts';
import { loadSessionDay } from './sheets.service.ts';

// The signed sheet comes back: checked exactly as materials are (type by content, size by the
// upload limit, all or nothing: src/storage), then only a PDF or a photograph is taken. Each
// file becomes the day's next scan; the number is claimed by an insert under the unique index
// {session, date, number} (decision 0002), so two uploads at once both keep their files.

export const SCAN_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
export const SCAN_EXTENSIONS = '.pdf,.jpg,.jpeg,.png';
/** pages of one sheet photographed one by one */
export const MAX_SCANS = 10;
const FIELD = 'files';

export async function uploadScans(
  storage: FileStorage,
  actor: Actor,
  sessionId: string,
  date: string,
  files: UploadedFile[],
): Promise<number> {
  const { session, day } = await loadSessionDay(actor, sessionId, date, 'upload');
  const checked = await checkFiles(files, FIELD);
  const other = checked.find((file) => !SCAN_TYPES.includes(file.mimeType));
  if (other)
    throw new UploadRefusal(422, { [FIELD]: { key: 'sheets:upload.notScan', params: { name: other.originalName } } });
  const stored = await storeFiles(storage, checked);
  const inserted: number[] = [];
  try {
    for (const file of stored) inserted.push(await insertNext(session._id, day.date, file, actor));
  } catch (error) {
    await PaperScan.deleteMany({ session: session._id, date: day.date, number: anyOf(inserted) }).catch(
      () => undefined,
    );
    await discardStored(storage, stored);
    throw error;
  }
  return stored.length;
}

async function insertNext(
  session: mongoose.Types.ObjectId,
  date: string,
  file: StoredFile,
  actor: Actor,
): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const last = await PaperScan.findOne({ session, date }, { number: 1 }).sort({ number: -1 }).lean();
    const number = (last?.number ?? 0) + 1;
    try {
      await PaperScan.create({ ...file, session, date, number, uploadedBy: actor.id, uploadedAt: new Date() });
      return number;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // someone else took that number: take the next
    }
  }
  throw new UploadRefusal(422, { [FIELD]: { key: 'sheets:upload.busy' } });
}
