import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { BSON, MongoClient, ObjectId } from 'mongodb';
import { hasFerretdbBinary } from '../src/db/ferretdb.ts';
import { resolveDatabase } from '../src/db/resolve.ts';
import { testConfig } from './support/context.ts';
import { temporaryDataDir } from './support/temporary-data-dir.ts';

// A site that ran on FerretDB over SQLite (DATA_DIR/ferretdb) starts on the new default,
// FerretDB over PostgreSQL: its data is moved across once, document for document, with its
// indexes, and the SQLite folder is kept under another name.

const sqliteConfig = { ...testConfig, mongodbUri: undefined, embeddedDb: 'ferretdb-sqlite' as const };
const postgresConfig = { ...sqliteConfig, embeddedDb: 'ferretdb' as const };

const people = [
  { _id: new ObjectId(), email: 'a@example.org', born: new Date('1980-02-03T00:00:00Z'), roles: ['admin'] },
  {
    _id: new ObjectId(),
    email: 'b@example.org',
    born: new Date('1991-12-31T23:59:59.123Z'),
    roles: [],
    history: [
      {
        at: new Date('2024-01-01T00:00:00Z'),
        tags: ['x', 'y'],
        scores: [1, 2.5, -3],
      },
      { nested: { deep: [null, true] } },
    ],
  },
];
const sessions = Array.from({ length: 1234 }, (_, i) => ({ _id: `session-${i}`, seat: i, venue: new ObjectId() }));

async function withClient<T>(uri: string, task: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 60_000 });
  try {
    return await task(client);
  } finally {
    await client.close();
  }
}

async function snapshot(client: MongoClient) {
  const result: Record<string, { documents: string; indexes: unknown[] }> = {};
  for (const [dbName, collections] of [
    ['cadre', ['people', 'sessions', 'empty']],
    ['other', ['things']],
  ] as const) {
    for (const name of collections) {
      const collection = client.db(dbName).collection(name);
      const documents = await collection.find({}).sort({ _id: 1 }).toArray();
      const indexes = (await collection.listIndexes().toArray())
        .map(({ name: indexName, key, unique }) => ({ name: indexName, key, unique: unique ?? false }))
        .sort((a, b) => a.name.localeCompare(b.name));
      result[`${dbName}.${name}`] = { documents: BSON.EJSON.stringify(documents, { relaxed: false }), indexes };
    }
  }
  return result;
}

describe('moving a site from FerretDB over SQLite to FerretDB over PostgreSQL', function () {
  this.timeout(180_000);
  let dataDir: string;

  before(async function () {
    if (!hasFerretdbBinary(testConfig.cacheDir)) this.skip();
    dataDir = await temporaryDataDir();
  });

  after(async () => {
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('when PostgreSQL is new, every document and index arrives once, the unique index still refuses duplicates and SQLite is kept aside; a document that cannot go across leaves nothing half-moved and the next start retries', async () => {
    const sqlite = await resolveDatabase(sqliteConfig, { dataDir, progress: () => {} });
    await withClient(sqlite.uri, async (client) => {
      const cadre = client.db('cadre');
      await cadre.collection('people').insertMany(people);
      await cadre.collection('people').createIndex({ email: 1 }, { unique: true, name: 'one_account_per_email' });
      await cadre.collection<(typeof sessions)[number]>('sessions').insertMany(sessions);
      await cadre.collection('sessions').createIndex({ venue: 1, seat: -1 });
      await cadre.createCollection('empty');
      const things = client.db('other').collection<{ _id: number; text: string }>('things');
      await things.insertOne({ _id: 1, text: 'plain' });
      // SQLite keeps a NUL character in a string; PostgreSQL's jsonb refuses it
      await things.insertOne({ _id: 2, text: 'before\u0000after' });
    });
    await sqlite.stop();

    const failure = await resolveDatabase(postgresConfig, { dataDir, progress: () => {} }).catch(
      (error: Error) => error,
    );
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.match(/Moving the SQLite data into PostgreSQL failed: other\.things: /);
    expect((failure as Error).message).to.match(/untouched and PostgreSQL was emptied: the next start tries again/);
    expect(existsSync(path.join(dataDir, 'ferretdb', 'cadre.sqlite'))).to.equal(true);

    // the site mends the document on SQLite, as the message says, and starts again
    const mending = await resolveDatabase(sqliteConfig, { dataDir, progress: () => {} });
    const before = await withClient(mending.uri, async (client) => {
      await client
        .db('other')
        .collection<{ _id: number }>('things')
        .updateOne({ _id: 2 }, { $set: { text: 'mended' } });
      return snapshot(client);
    });
    await mending.stop();

    const messages: string[] = [];
    const moved = await resolveDatabase(postgresConfig, { dataDir, progress: (message) => messages.push(message) });
    try {
      await withClient(moved.uri, async (client) => {
        expect(await snapshot(client)).to.deep.equal(before);
        const duplicate = await client
          .db('cadre')
          .collection('people')
          .insertOne({ email: 'a@example.org' })
          .catch((error: { code?: number }) => error);
        expect(duplicate).to.have.property('code', 11000);
      });
    } finally {
      await moved.stop();
    }
    expect(messages.join('\n')).to.match(/Moving the data in .*ferretdb/);
    expect(messages.join('\n')).to.include('cadre.sessions: 1234 documents, 1 indexes');
    expect(existsSync(path.join(dataDir, 'ferretdb'))).to.equal(false);
    const kept = (await fs.readdir(dataDir)).filter((name) => name.startsWith('ferretdb-sqlite-moved-'));
    expect(kept).to.have.length(1);
    expect((await fs.readdir(path.join(dataDir, kept[0]!))).filter((name) => name.endsWith('.sqlite'))).to.include(
      'cadre.sqlite',
    );

    // a second start finds nothing to move and the data still there
    const messagesAgain: string[] = [];
    const again = await resolveDatabase(postgresConfig, {
      dataDir,
      progress: (message) => messagesAgain.push(message),
    });
    try {
      await withClient(again.uri, async (client) => expect(await snapshot(client)).to.deep.equal(before));
    } finally {
      await again.stop();
    }
    expect(messagesAgain.join('\n')).not.to.match(/Moving|Moved/);
  });
});
