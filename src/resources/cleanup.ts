import { rm } from 'node:fs/promises';
import path from 'node:path';
import { anyOf } from '../db/query.ts';
import { listFiles } from '../storage/disk-storage.ts';
import type { FileStorage, StoredEntry } from '../storage/file-storage.ts';
import { Resource } from './resource.model.ts';
import { ResourceVersion } from './resource-version.model.ts';

// What a crash or a failed clean-up can leave behind, found both ways: stored files that no
// version record points to, records whose file is gone, versions of a deleted resource, and
// temporary uploads nobody finished. Only files are ever removed (with --delete); records are
// reported for a person to look at, since they say what was there.

/** Files younger than this may belong to an upload that is still being checked or recorded. */
export const DEFAULT_GRACE_MS = 60 * 60_000;

export type MissingFile = { resource: string; version: number; storageKey: string; originalName: string };
export type CleanupReport = {
  storedCount: number;
  versionCount: number;
  orphanFiles: StoredEntry[];
  missingFiles: MissingFile[];
  versionsWithoutResource: MissingFile[];
  staleTempFiles: StoredEntry[];
};

export async function findOrphans(
  storage: FileStorage,
  tempDir: string,
  { graceMs = DEFAULT_GRACE_MS, now = new Date() } = {},
): Promise<CleanupReport> {
  const before = now.getTime() - graceMs;
  const stored = new Map<string, StoredEntry>();
  for await (const entry of storage.list()) stored.set(entry.key, entry);

  const versions = await ResourceVersion.find({}, { resource: 1, version: 1, storageKey: 1, originalName: 1 }).lean();
  const resourceIds = new Set((await Resource.find({}, { _id: 1 }).lean()).map((r) => r._id.toHexString()));
  const referenced = new Set<string>();
  const missingFiles: MissingFile[] = [];
  const versionsWithoutResource: MissingFile[] = [];
  for (const v of versions) {
    referenced.add(v.storageKey);
    const row = {
      resource: v.resource.toHexString(),
      version: v.version,
      storageKey: v.storageKey,
      originalName: v.originalName,
    };
    if (!stored.has(v.storageKey)) missingFiles.push(row);
    if (!resourceIds.has(row.resource)) versionsWithoutResource.push(row);
  }
  const orphanFiles = [...stored.values()].filter((f) => !referenced.has(f.key) && f.storedAt.getTime() <= before);
  const staleTempFiles: StoredEntry[] = [];
  for await (const file of listFiles(tempDir)) if (file.storedAt.getTime() <= before) staleTempFiles.push(file);

  return {
    storedCount: stored.size,
    versionCount: versions.length,
    orphanFiles,
    missingFiles,
    versionsWithoutResource,
    staleTempFiles,
  };
}

/** Removes the orphan and stale temporary files of a report; returns how many of each went. */
export async function removeOrphans(storage: FileStorage, tempDir: string, report: CleanupReport) {
  // checked again just before removal: a record may have arrived since the report
  const stillOrphans = await ResourceVersion.find(
    { storageKey: anyOf(report.orphanFiles.map((f) => f.key)) },
    { storageKey: 1 },
  ).lean();
  const nowReferenced = new Set(stillOrphans.map((v) => v.storageKey));
  let files = 0;
  for (const file of report.orphanFiles) {
    if (nowReferenced.has(file.key)) continue;
    await storage.remove(file.key);
    files++;
  }
  for (const file of report.staleTempFiles) await rm(path.join(tempDir, file.key), { force: true });
  return { files, tempFiles: report.staleTempFiles.length };
}
