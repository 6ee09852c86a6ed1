import path from 'node:path';
import { loadConfigOrExit } from '../config.ts';
import { findOrphans, removeOrphans, DEFAULT_GRACE_MS, type CleanupReport } from '../resources/cleanup.ts';
import { DiskStorage, uploadPaths } from '../storage/disk-storage.ts';
import { withDatabase } from './with-database.ts';

// npm run uploads:cleanup: lists what failed uploads and deletions left behind in UPLOADS_DIR
// and the database: stored files no record points to, records whose file is gone, versions of
// a deleted resource, temporary uploads older than an hour. `-- --delete` removes the orphan
// and temporary files; records are only reported.

const config = loadConfigOrExit();
const shouldDelete = process.argv.includes('--delete');

function print(report: CleanupReport, tempDir: string) {
  const when = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const section = (title: string, lines: string[]) =>
    console.log(
      [`\n${title}: ${lines.length === 0 ? 'none' : lines.length}`, ...lines.map((l) => `  ${l}`)].join('\n'),
    );
  console.log(
    `Uploads in ${config.uploadsDir}: ${report.storedCount} stored files, ${report.versionCount} version records`,
  );
  section(
    'Stored files without a version record',
    report.orphanFiles.map((f) => `files/${f.key}  ${f.size} bytes  stored ${when(f.storedAt)}`),
  );
  section(
    'Version records whose file is missing (reported only)',
    report.missingFiles.map(
      (v) => `resource ${v.resource} version ${v.version}  "${v.originalName}"  key ${v.storageKey}`,
    ),
  );
  section(
    'Versions of a resource that no longer exists (reported only)',
    report.versionsWithoutResource.map((v) => `resource ${v.resource} version ${v.version}  "${v.originalName}"`),
  );
  section(
    `Temporary files older than ${DEFAULT_GRACE_MS / 60_000} minutes`,
    report.staleTempFiles.map((f) => `${path.join(tempDir, f.key)}  ${f.size} bytes  ${when(f.storedAt)}`),
  );
}

await withDatabase(config, 'The cleanup failed:', async () => {
  const storage = new DiskStorage(config.uploadsDir);
  const tempDir = uploadPaths(config.uploadsDir).tmp;
  const report = await findOrphans(storage, tempDir);
  print(report, tempDir);
  if (shouldDelete) {
    const removed = await removeOrphans(storage, tempDir, report);
    console.log(`\nDeleted ${removed.files} orphan files and ${removed.tempFiles} temporary files.`);
  } else if (report.orphanFiles.length + report.staleTempFiles.length > 0) {
    console.log('\nNothing was deleted. To remove the orphan and temporary files: npm run uploads:cleanup -- --delete');
  }
});
