import type { Translatable } from '../http/errors.ts';
import { baseName } from './file-name.ts';
import type { FileStorage } from './file-storage.ts';
import { UploadRefusal, type UploadedFile } from './upload.ts';
import { decideType } from './upload-type.ts';

// From temporary files to stored ones, all or nothing: every file of an upload is checked
// before any is stored, and a failure while storing takes back what was stored.

export type CheckedFile = {
  tempPath: string;
  originalName: string;
  mimeType: string;
  size: number;
  sha256: string;
};
export type StoredFile = Omit<CheckedFile, 'tempPath'> & { storageKey: string };

/** Checks every file's type by content; one refusal refuses the whole upload (422, each problem named, the good files told they were not kept). */
export async function checkFiles(files: UploadedFile[], field: string): Promise<CheckedFile[]> {
  if (files.length === 0) throw new UploadRefusal(422, { [field]: { key: 'resources:upload.noFile' } });
  const checked: CheckedFile[] = [];
  const problems: Translatable[] = [];
  const refused: string[] = [];
  for (const file of files) {
    const name = baseName(file.originalName);
    const decision = await decideType(file.tempPath, name);
    if (decision.accepted) {
      const { mimeType, scan } = decision;
      checked.push({ tempPath: file.tempPath, originalName: name, mimeType, size: scan.size, sha256: scan.sha256 });
    } else {
      const params = { name, extension: decision.extension || '—', detected: decision.detected ?? '—' };
      problems.push({ key: `resources:refused.${decision.reason}`, params });
      refused.push(name);
    }
  }
  // all or nothing, and said so: the good files of a mixed upload are named as not kept, since
  // the form's title, kind and audience were chosen for the set, and a half-saved set is easily missed
  if (problems.length > 0 && checked.length > 0) {
    const names = refused.map((name) => `“${name}”`).join(', ');
    throw new UploadRefusal(422, { [field]: { key: 'resources:refused.nothingSaved', params: { names } } }, problems);
  }
  if (problems.length === 1) throw new UploadRefusal(422, { [field]: problems[0]! });
  if (problems.length > 1) {
    throw new UploadRefusal(
      422,
      { [field]: { key: 'resources:refused.several', params: { count: problems.length } } },
      problems,
    );
  }
  return checked;
}

/** Moves checked files into the storage; if one fails, those already moved are removed. */
export async function storeFiles(storage: FileStorage, files: CheckedFile[]): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  try {
    for (const { tempPath, ...file } of files) stored.push({ ...file, storageKey: await storage.put(tempPath) });
  } catch (error) {
    await discardStored(storage, stored);
    throw error;
  }
  return stored;
}

/** Removes stored files after a failure; one that cannot be removed is left for uploads:cleanup. */
export async function discardStored(storage: FileStorage, files: { storageKey: string }[]): Promise<void> {
  await Promise.allSettled(files.map((f) => storage.remove(f.storageKey)));
}
