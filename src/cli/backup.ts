import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfigOrExit } from '../config.ts';
import { writeBackup } from '../db/backup.ts';
import { withDatabase } from './with-database.ts';

// npm run backup [-- path/to/file.tar.gz]: writes one archive of the whole site (every
// collection and every uploaded file, with a manifest and checksums; decision 0020). Without a
// path, cadre-backup-<date and time>.tar.gz in the current folder. With the embedded database,
// stop the server first (or set MONGODB_URI to the running database).

const config = loadConfigOrExit();
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const file = path.resolve(process.argv[2] ?? `cadre-backup-${stamp}.tar.gz`);

await withDatabase(config, 'The backup failed; the partial file was removed.', async () => {
  const started = Date.now();
  try {
    const manifest = await writeBackup(
      mongoose.connection.db!,
      config.uploadsDir,
      createWriteStream(file, { flags: 'wx' }),
    );
    const documents = manifest.collections.reduce((sum, c) => sum + c.documents, 0);
    const { size } = await fs.stat(file);
    console.log(
      `Backup written to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `${manifest.collections.length} collections, ${documents} documents, ${manifest.files.length} uploaded files, ` +
        `${(size / 1024 / 1024).toFixed(1)} MB.\nRestore it into an empty database with: npm run restore -- ${file}`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await fs.rm(file, { force: true });
    throw error;
  }
});
