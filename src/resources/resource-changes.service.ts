import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { anyOfIds } from '../db/query.ts';
import { checkFiles, discardStored, storeFiles, type StoredFile } from '../storage/checked-files.ts';
import { nameWithoutExtension } from '../storage/file-name.ts';
import type { FileStorage } from '../storage/file-storage.ts';
import { Resource } from './resource.model.ts';
import { ResourceVersion } from './resource-version.model.ts';
import type { DetailsInput, UploadInput } from './resources.schemas.ts';
import { getEditableResource, getModuleForUpload, type ResourceDocument } from './resources.service.ts';
import { UploadRefusal, type UploadedFile } from '../storage/upload.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

// Uploading, replacing and deleting materials. Without transactions (decision 0002) each
// change is ordered so that a failure half-way leaves nothing visible that is wrong: files
// are stored only after all passed the checks; a version is inserted before a resource points
// at it; on failure the rows and files of this change are taken back.

/**
 * The title of each uploaded file: the title typed for a single file; with several files,
 * each file's name without its extension, after the typed title when there is one
 * ("Module 3 – Handout A"). An empty title box always gives the file's name.
 */
export function titleFor(typed: string | undefined, fileName: string, fileCount: number): string {
  const fromName = nameWithoutExtension(fileName);
  if (!typed) return fromName;
  return fileCount === 1 ? typed : `${typed} – ${fromName}`.slice(0, 200);
}

/** Adds one resource per file to a module, all or none. */
export async function uploadResources(
  storage: FileStorage,
  actor: Actor,
  moduleId: string,
  input: UploadInput,
  files: UploadedFile[],
): Promise<{ id: string; title: string }[]> {
  const module = await getModuleForUpload(actor, moduleId);
  const stored = await storeFiles(storage, await checkFiles(files, 'files'));
  const ids = stored.map(() => new mongoose.Types.ObjectId());
  try {
    await ResourceVersion.insertMany(stored.map((file, i) => versionOf(ids[i]!, 1, file, actor)));
    const created = await Resource.insertMany(
      stored.map((file, i) => ({
        _id: ids[i],
        module: module._id,
        title: titleFor(input.title, file.originalName, stored.length),
        kind: input.kind,
        language: input.language,
        audience: input.audience,
        currentVersion: 1,
        createdBy: actor.id,
      })),
    );
    return created.map((r) => ({ id: r._id.toHexString(), title: r.title }));
  } catch (error) {
    await Resource.deleteMany({ _id: anyOfIds(ids.map((id) => id.toHexString())) }).catch(() => undefined);
    await ResourceVersion.deleteMany({ resource: anyOfIds(ids.map((id) => id.toHexString())) }).catch(() => undefined);
    await discardStored(storage, stored);
    throw error;
  }
}

function versionOf(resource: mongoose.Types.ObjectId, version: number, file: StoredFile, actor: Actor) {
  return { ...file, resource, version, uploadedBy: actor.id, uploadedAt: new Date() };
}

/** Replaces the file of a resource: a new version; the old ones stay for the module's editors. */
export async function replaceFile(storage: FileStorage, actor: Actor, id: string, files: UploadedFile[]) {
  const { resource } = await getEditableResource(actor, id);
  const [file] = await storeFiles(storage, await checkFiles(files, 'file'));
  // after the highest one stored, which a failure may have left past currentVersion
  const latest = await ResourceVersion.findOne({ resource: resource._id }, { version: 1 }).sort({ version: -1 }).lean();
  const version = (latest?.version ?? 0) + 1;
  try {
    await ResourceVersion.create(versionOf(resource._id, version, file!, actor));
  } catch (error) {
    await discardStored(storage, [file!]);
    // someone else replaced it at the same moment: the unique index kept one of the two
    if (isDuplicateKey(error)) throw new UploadRefusal(422, { file: { key: 'resources:replace.conflict' } });
    throw error;
  }
  await pointAtHighest(resource._id, version);
  return { resource, version };
}

/**
 * Points the resource at the highest version stored. On FerretDB a conditional update is not
 * atomic, so when two replacements race, the older one's write may land last and point back
 * (decision 0002); each writer therefore reads again after its own write and mends, so the
 * last write of all is followed by a check that sees every version inserted before it.
 */
async function pointAtHighest(resourceId: mongoose.Types.ObjectId, version: number) {
  await Resource.updateOne(
    { _id: resourceId, currentVersion: mongoose.trusted({ $lt: version }) },
    { $set: { currentVersion: version } },
  );
  const [highest, stored] = await Promise.all([
    ResourceVersion.findOne({ resource: resourceId }, { version: 1 }).sort({ version: -1 }).lean(),
    Resource.findById(resourceId, { currentVersion: 1 }).lean(),
  ]);
  if (highest && stored && stored.currentVersion < highest.version) {
    await Resource.updateOne({ _id: resourceId }, { $set: { currentVersion: highest.version } });
  }
}

/** Changes the title, kind, language and audience of a resource. */
export async function updateDetails(actor: Actor, id: string, input: DetailsInput): Promise<ResourceDocument> {
  const { resource } = await getEditableResource(actor, id);
  resource.set(input);
  await resource.save();
  return resource;
}

/** Deletes a resource, every version and every stored file of it. */
export async function deleteResource(storage: FileStorage, actor: Actor, id: string) {
  const { resource } = await getEditableResource(actor, id, 'delete');
  // the resource goes first: from then on nobody sees it, whatever happens to the rest
  await Resource.deleteOne({ _id: resource._id });
  const versions = await ResourceVersion.find({ resource: resource._id }, { storageKey: 1 }).lean();
  await ResourceVersion.deleteMany({ resource: resource._id });
  await discardStored(storage, versions);
  return resource;
}
