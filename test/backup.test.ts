import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { BSON, Int32, Long, type Db } from 'mongodb';
import tar from 'tar-stream';
import { BackupRefused, restoreBackup, verifyBackup, writeBackup } from '../src/db/backup.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { buildRecord } from './support/completion-records.ts';
import { pdf } from './support/files.ts';
import { buildWorld } from './support/world.ts';

// npm run backup and npm run restore (issue 14, decision 0020): the round trip gives back every
// document with its BSON types, every index and every uploaded file; a damaged archive, a
// database that is not empty, a file already there or a path out of the uploads folder restore
// nothing.

const EXACT = { promoteValues: false, promoteLongs: false, promoteBuffers: false } as const;

/** Every collection's documents (by _id, as canonical extended JSON) and indexes. */
async function everything(db: Db) {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const result: Record<string, { documents: string[]; indexes: unknown[] }> = {};
  for (const name of names) {
    const documents = await db.collection(name).find({}, EXACT).toArray();
    const indexes = (await db.collection(name).listIndexes().toArray())
      .map(({ v: _v, ns: _ns, ...index }) => index)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    result[name] = {
      documents: documents.map((d) => BSON.EJSON.stringify(d, { relaxed: false })).sort(),
      indexes,
    };
  }
  return result;
}

async function filesOf(dir: string): Promise<Record<string, string>> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = (await fs.readFile(full)).toString('base64');
  }
  return files;
}

describe('backup and restore', () => {
  let scratch: string;
  let other: Db;

  beforeEach(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cadre-backup-test-'));
    other = mongoose.connection.getClient().db(`${mongoose.connection.db!.databaseName}_restored`);
    await other.dropDatabase();
  });
  afterEach(async () => {
    await other.dropDatabase();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  async function site() {
    const w = await buildWorld({
      countries: { ug: { code: 'UG', name: 'Uganda' } },
      institutions: { academy: { country: 'ug', name: 'Uganda Prisons Academy' } },
      people: {
        admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
        amina: { roles: ['staff'], at: 'academy', fullName: 'أمينة أوكيلو', rank: 'Sergeant' },
      },
      modules: { pve: { code: 'PVE-1', title: 'Preventing violent extremism', status: 'published' } },
      sessions: { running: { at: 'academy', module: 'pve', status: 'open' } },
    });
    const { academy } = w.institutions;
    await Enrolment.create({
      session: w.sessions.running._id,
      person: w.people.amina._id,
      state: 'enrolled',
      seat: 1,
      source: 'self',
    });
    await buildRecord(
      w.people.amina,
      w.modules.pve,
      { _id: academy._id, name: academy.name, country: academy.country },
      {
        startedOn: '2026-03-02',
        pre: 40,
        post: 85.5,
      },
    );
    // BSON types that JSON would lose, and a login session that a backup leaves out
    const db = mongoose.connection.db!;
    await db
      .collection('bson_types')
      .insertOne({ int: new Int32(7), long: Long.fromString('9007199254740993'), at: new Date(0) });
    await db.collection('login_sessions').insertOne({ _id: 'sid' as never, session: 'secret' });
    const uploads = path.join(scratch, 'uploads');
    await fs.mkdir(path.join(uploads, 'resources'), { recursive: true });
    await fs.writeFile(path.join(uploads, 'resources', 'handout.pdf'), pdf('Handout'));
    await fs.mkdir(path.join(uploads, 'evidence'), { recursive: true });
    await fs.writeFile(path.join(uploads, 'evidence', 'scan.bin'), Buffer.from([0, 1, 2, 255]));
    return { uploads };
  }

  async function backup(uploads: string) {
    const file = path.join(scratch, 'site.tar.gz');
    const manifest = await writeBackup(mongoose.connection.db!, uploads, createWriteStream(file));
    return { file, manifest };
  }

  it('gives back every document, index and file: the round trip compares equal', async () => {
    const { uploads } = await site();
    const { file, manifest } = await backup(uploads);
    expect(manifest.collections.map((c) => c.name)).to.include.members(['users', 'completion_records', 'bson_types']);
    expect(manifest.collections.map((c) => c.name)).not.to.include('login_sessions');
    expect(manifest.files.map((f) => f.path)).to.deep.equal([
      'uploads/evidence/scan.bin',
      'uploads/resources/handout.pdf',
    ]);

    const restoredUploads = path.join(scratch, 'restored-uploads');
    await restoreBackup(other, restoredUploads, file);

    const before = await everything(mongoose.connection.db!);
    delete before.login_sessions;
    expect(await everything(other)).to.deep.equal(before);
    expect(await filesOf(restoredUploads)).to.deep.equal(await filesOf(uploads));
    const [types] = await other.collection('bson_types').find({}, EXACT).toArray();
    expect(types!.int).to.be.instanceOf(Int32);
    expect(String(types!.long)).to.equal('9007199254740993');
  });

  it('refuses a database that holds documents, and writes nothing', async () => {
    const { uploads } = await site();
    const { file } = await backup(uploads);
    await other.collection('users').insertOne({ fullName: 'Already here' });
    const refusal = await restoreBackup(other, path.join(scratch, 'restored'), file).catch((e: Error) => e);
    expect(refusal).to.be.instanceOf(BackupRefused);
    expect((refusal as Error).message).to.match(/not empty/);
    expect(await other.collection('users').countDocuments()).to.equal(1);
    expect(await fs.stat(path.join(scratch, 'restored')).catch(() => null)).to.equal(null);
  });

  it('refuses an uploads folder that already holds one of its files', async () => {
    const { uploads } = await site();
    const { file } = await backup(uploads);
    const refusal = await restoreBackup(other, uploads, file).catch((e: Error) => e);
    expect(refusal).to.be.instanceOf(BackupRefused);
    expect(await other.listCollections().toArray()).to.deep.equal([]);
  });

  it('refuses a damaged archive before writing anything', async () => {
    const { uploads } = await site();
    const { file } = await backup(uploads);
    // the same archive with one part's content changed and its size kept: only the checksum tells
    const damaged = path.join(scratch, 'damaged.tar.gz');
    await rewrite(file, damaged, (name, content) =>
      name === 'uploads/evidence/scan.bin' ? Buffer.from([9, 9, 9, 9]) : content,
    );
    const refusal = await restoreBackup(other, path.join(scratch, 'restored'), damaged).catch((e: Error) => e);
    expect(refusal).to.be.instanceOf(BackupRefused);
    expect((refusal as Error).message).to.equal(
      'uploads/evidence/scan.bin does not match its checksum: the archive is damaged',
    );
    expect(await other.listCollections().toArray()).to.deep.equal([]);
    // and a file that is not a backup at all
    await fs.writeFile(path.join(scratch, 'junk.tar.gz'), 'not an archive');
    expect(await verifyBackup(path.join(scratch, 'junk.tar.gz')).catch((e: Error) => e)).to.be.instanceOf(
      BackupRefused,
    );
  });

  it('refuses a file that would be written outside the uploads folder', async () => {
    const { uploads } = await site();
    const { file } = await backup(uploads);
    const crafted = path.join(scratch, 'crafted.tar.gz');
    await rewrite(file, crafted, (_name, content) => content, 'uploads/../../escaped.txt');
    const refusal = await restoreBackup(other, path.join(scratch, 'restored'), crafted).catch((e: Error) => e);
    expect(refusal).to.be.instanceOf(BackupRefused);
    expect((refusal as Error).message).to.match(/outside the uploads/);
    expect(await fs.stat(path.join(scratch, '..', 'escaped.txt')).catch(() => null)).to.equal(null);
  });
});

/**
 * Copies an archive entry by entry, changing contents as asked; with `extra`, adds a file of that
 * name and lists it in the manifest with its true checksum (a crafted, consistent archive).
 */
async function rewrite(
  from: string,
  to: string,
  change: (name: string, content: Buffer) => Buffer,
  extra?: string,
): Promise<void> {
  const { createReadStream } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  const { createHash } = await import('node:crypto');
  const extract = tar.extract();
  const entries: { name: string; content: Buffer }[] = [];
  const reading = pipeline(createReadStream(from), createGunzip(), extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, content: Buffer.concat(chunks) });
  }
  await reading;
  const pack = tar.pack();
  const writing = pipeline(pack, createGzip(), createWriteStream(to));
  for (const { name, content } of entries) {
    let body = change(name, content);
    if (name === 'manifest.json' && extra) {
      const manifest = JSON.parse(body.toString()) as { files: { path: string; bytes: number; sha256: string }[] };
      const data = Buffer.from('escaped');
      manifest.files.push({ path: extra, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      pack.entry({ name: extra }, data);
      body = Buffer.from(JSON.stringify(manifest));
    }
    pack.entry({ name }, body);
  }
  pack.finalize();
  await writing;
}
