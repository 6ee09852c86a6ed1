import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { BSON, type Db, type Document } from 'mongodb';
import tar from 'tar-stream';

// A site's backup (decision 0020): one .tar.gz holding every collection as extended JSON (a
// document a line, every BSON type kept: ObjectIds, dates, Int32 and Long), every uploaded file,
// and last a manifest with each part's size and SHA-256 and each collection's indexes. A restore
// checks every checksum before it writes anything, and loads into an empty database only.
// Login sessions are left out: a restored site starts with everyone signed out.

export const BACKUP_FORMAT = 'cadre-backup';
const VERSION = 1;
const LEFT_OUT = new Set(['login_sessions']);
const BATCH = 1000;
// documents come back as the BSON types they were stored as (Int32 stays Int32, Long stays Long)
const EXACT = { promoteValues: false, promoteLongs: false, promoteBuffers: false } as const;

type Part = { path: string; bytes: number; sha256: string };
export type Manifest = {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  database: string;
  collections: (Part & { name: string; documents: number; indexes: Document[] })[];
  files: Part[];
};

/** Writes the backup of the database and the uploads folder to `out`; returns its manifest. */
export async function writeBackup(db: Db, uploadsDir: string, out: Writable): Promise<Manifest> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cadre-backup-'));
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), out);
  try {
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      version: VERSION,
      createdAt: new Date().toISOString(),
      database: db.databaseName,
      collections: [],
      files: [],
    };
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((name) => !name.startsWith('system.') && !LEFT_OUT.has(name))
      .sort();
    for (const name of names) {
      const file = path.join(scratch, `${name}.jsonl`);
      const documents = await dumpCollection(db, name, file);
      const part = await addFile(pack, `collections/${name}.jsonl`, file);
      const indexes = (await db.collection(name).listIndexes().toArray())
        .filter((index) => index.name !== '_id_')
        .map(({ v: _v, ns: _ns, ...index }) => index);
      manifest.collections.push({ ...part, name, documents, indexes });
      await fs.rm(file);
    }
    for (const relative of await filesUnder(uploadsDir)) {
      manifest.files.push(await addFile(pack, `uploads/${relative}`, path.join(uploadsDir, relative)));
    }
    await addEntry(pack, 'manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
    pack.finalize();
    await written;
    return manifest;
  } catch (error) {
    pack.destroy(error as Error);
    await written.catch(() => undefined);
    throw error;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function dumpCollection(db: Db, name: string, file: string): Promise<number> {
  let documents = 0;
  async function* lines() {
    for await (const document of db.collection(name).find({}, { ...EXACT, batchSize: BATCH })) {
      documents += 1;
      yield `${BSON.EJSON.stringify(document, { relaxed: false })}\n`;
    }
  }
  await pipeline(Readable.from(lines()), createWriteStream(file));
  return documents;
}

/** The files under a folder, as paths relative to it (forward slashes), sorted; none if it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** Adds a file to the archive as it is read, with its size and SHA-256. */
async function addFile(pack: tar.Pack, name: string, file: string): Promise<Part> {
  const { size } = await fs.stat(file);
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size }, (error) => (error ? reject(error) : resolve()));
    const source = createReadStream(file);
    source.on('data', (chunk) => hash.update(chunk));
    source.on('error', reject);
    source.pipe(entry);
  });
  return { path: name, bytes: size, sha256: hash.digest('hex') };
}

function addEntry(pack: tar.Pack, name: string, content: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name }, content, (error) => (error ? reject(error) : resolve())),
  );
}

export class BackupRefused extends Error {}

/** Reads every entry of the archive in order: `each` gets its name and its content as a stream. */
async function readArchive(file: string, each: (name: string, content: Readable) => Promise<void>): Promise<void> {
  const extract = tar.extract();
  const reading = pipeline(createReadStream(file), createGunzip(), extract);
  reading.catch(() => undefined); // its failure also ends the loop below, which throws it
  for await (const entry of extract) {
    await each(entry.header.name, entry as unknown as Readable);
    entry.resume(); // whatever `each` left unread
  }
  await reading;
}

/**
 * Reads the whole archive once and checks it: the manifest is there and of this format, and
 * every part has the size and SHA-256 it says. Returns the manifest; throws BackupRefused.
 */
export async function verifyBackup(file: string): Promise<Manifest> {
  const seen = new Map<string, { bytes: number; sha256: string }>();
  let manifest: Manifest | undefined;
  const reading = readArchive(file, async (name, content) => {
    const hash = createHash('sha256');
    let bytes = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of content as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (name === 'manifest.json') chunks.push(chunk);
    }
    if (name === 'manifest.json') manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest;
    else seen.set(name, { bytes, sha256: hash.digest('hex') });
  });
  await reading.catch((error: Error) => {
    throw new BackupRefused(`not a readable backup archive (${error.message})`);
  });
  if (!manifest || manifest.format !== BACKUP_FORMAT) throw new BackupRefused('not a Cadre backup: no manifest');
  if (manifest.version > VERSION) {
    throw new BackupRefused(`made by a newer Cadre (backup format ${manifest.version}); update Cadre first`);
  }
  const parts = [...manifest.collections, ...manifest.files];
  for (const part of parts) {
    const found = seen.get(part.path);
    if (!found) throw new BackupRefused(`${part.path} is missing from the archive`);
    if (found.bytes !== part.bytes || found.sha256 !== part.sha256) {
      throw new BackupRefused(`${part.path} does not match its checksum: the archive is damaged`);
    }
  }
  if (seen.size !== parts.length) throw new BackupRefused('the archive holds parts its manifest does not list');
  return manifest;
}

/**
 * Loads a checked backup into an empty database and an uploads folder with none of its files:
 * the documents, their indexes, the files. Refuses (BackupRefused, nothing written) a damaged
 * archive, a database that holds documents, or a file that is already there.
 */
export async function restoreBackup(db: Db, uploadsDir: string, file: string): Promise<Manifest> {
  const manifest = await verifyBackup(file);
  for (const { name } of manifest.collections) {
    if ((await db.collection(name).estimatedDocumentCount()) > 0) {
      throw new BackupRefused(`the database is not empty (${name} holds documents): restore into an empty one`);
    }
  }
  const root = path.resolve(uploadsDir);
  const target = (part: string) => {
    const resolved = path.resolve(root, part.slice('uploads/'.length));
    if (!resolved.startsWith(root + path.sep)) throw new BackupRefused(`${part} would be written outside the uploads`);
    return resolved;
  };
  for (const part of manifest.files) {
    const exists = await fs.stat(target(part.path)).then(
      () => true,
      () => false,
    );
    if (exists) throw new BackupRefused(`${target(part.path)} is already there: restore into an empty uploads folder`);
  }
  const collections = new Map(manifest.collections.map((c) => [c.path, c]));
  await readArchive(file, async (name, content) => {
    const collection = collections.get(name);
    if (collection) await loadCollection(db, collection.name, content);
    else if (name.startsWith('uploads/')) {
      const destination = target(name);
      await fs.mkdir(path.dirname(destination), { recursive: true });
      await pipeline(content, createWriteStream(destination, { flags: 'wx' }));
    }
  });
  for (const { name, indexes, documents } of manifest.collections) {
    if (indexes.length > 0) await db.collection(name).createIndexes(indexes as never);
    const arrived = await db.collection(name).countDocuments();
    if (arrived !== documents) throw new Error(`${name}: ${documents} documents in the backup, ${arrived} restored`);
  }
  return manifest;
}

async function loadCollection(db: Db, name: string, content: Readable): Promise<void> {
  const collection = await db.createCollection(name).catch(() => db.collection(name));
  let batch: Document[] = [];
  let rest = '';
  for await (const chunk of content as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      batch.push(BSON.EJSON.parse(line, { relaxed: false }) as Document);
      if (batch.length === BATCH) {
        await collection.insertMany(batch, { ordered: true });
        batch = [];
      }
    }
  }
  if (rest) batch.push(BSON.EJSON.parse(rest, { relaxed: false }) as Document);
  if (batch.length > 0) await collection.insertMany(batch, { ordered: true });
}
