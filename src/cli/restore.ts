import { existsSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfigOrExit } from '../config.ts';
import { BackupRefused, restoreBackup } from '../db/backup.ts';
import { withDatabase } from './with-database.ts';

// npm run restore -- path/to/file.tar.gz: loads a backup (npm run backup) into an empty
// database and uploads folder, after checking every part against its checksum; nothing is
// written when the archive is damaged or the database is not empty (decision 0020). With the
// embedded database, stop the server first.

const config = loadConfigOrExit();
const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error(file ? `No such file: ${file}` : 'Which backup? npm run restore -- path/to/cadre-backup.tar.gz');
  process.exit(1);
}

await withDatabase(config, 'The restore failed.', async () => {
  const started = Date.now();
  try {
    const manifest = await restoreBackup(mongoose.connection.db!, config.uploadsDir, path.resolve(file));
    const documents = manifest.collections.reduce((sum, c) => sum + c.documents, 0);
    console.log(
      `Restored the backup of ${manifest.createdAt} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `${manifest.collections.length} collections, ${documents} documents, ${manifest.files.length} uploaded files.`,
    );
  } catch (error) {
    if (!(error instanceof BackupRefused)) throw error;
    console.error(`Nothing was restored: ${error.message}.`);
    process.exitCode = 1;
  }
});
