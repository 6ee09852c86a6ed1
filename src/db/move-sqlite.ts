import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { MongoClient, type Db } from 'mongodb';
import { startFerretdb } from './ferretdb.ts';

// Moves a site's data from FerretDB over SQLite (DATA_DIR/ferretdb, the embedded database
// before PostgreSQL) into the new FerretDB over PostgreSQL, once: every database, collection,
// document and index, with the counts checked. The SQLite folder is then renamed, never
// deleted. A failure empties PostgreSQL and leaves SQLite untouched, so the next start retries.

const BATCH = 1000;
// documents come back as the BSON types they were stored as (Int32 stays Int32, Long stays Long)
const EXACT = { promoteValues: false, promoteLongs: false, promoteBuffers: false } as const;

/** Whether the SQLite folder holds any database file. */
export async function sqliteHoldsData(sqliteDir: string): Promise<boolean> {
  if (!existsSync(sqliteDir)) return false;
  const files = await fs.readdir(sqliteDir);
  return files.some((name) => name.endsWith('.sqlite'));
}

type MoveOptions = {
  binary: string;
  sqliteDir: string;
  /** the FerretDB over PostgreSQL to fill */
  target: string;
  progress: (message: string) => void;
};

/** Returns the folder the SQLite data was renamed to, or undefined when PostgreSQL already held data. */
export async function moveSqliteData(options: MoveOptions): Promise<string | undefined> {
  const { sqliteDir, progress } = options;
  const target = await MongoClient.connect(options.target, { serverSelectionTimeoutMS: 10_000 });
  try {
    if ((await userDatabases(target)).length > 0) {
      progress(
        `The SQLite data in ${sqliteDir} was not moved: PostgreSQL already holds data. Both are left as they are.`,
      );
      return undefined;
    }
    progress(`Moving the data in ${sqliteDir} (FerretDB over SQLite) into PostgreSQL…`);
    try {
      await copyEverything(options, target);
    } catch (error) {
      await emptyDatabases(target);
      throw new Error(
        `Moving the SQLite data into PostgreSQL failed: ${(error as Error).message.trim()}\n` +
          `The SQLite data in ${sqliteDir} is untouched and PostgreSQL was emptied: the next start tries again. ` +
          'To keep working on SQLite meanwhile, set EMBEDDED_DB=ferretdb-sqlite.',
        { cause: error },
      );
    }
    const moved = `${sqliteDir}-sqlite-moved-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(sqliteDir, moved);
    progress(`Moved. The SQLite files are kept in ${moved}; delete that folder once you no longer need it.`);
    return moved;
  } finally {
    await target.close();
  }
}

async function copyEverything(options: MoveOptions, target: MongoClient): Promise<void> {
  const sqlite = await startFerretdb(options.binary, {
    backend: { handler: 'sqlite', dir: options.sqliteDir },
    stateDir: options.sqliteDir,
  });
  try {
    const source = await MongoClient.connect(sqlite.uri, { serverSelectionTimeoutMS: 10_000 });
    try {
      for (const name of await userDatabases(source)) {
        await copyDatabase(source.db(name), target.db(name), options.progress);
      }
    } finally {
      await source.close();
    }
  } finally {
    await sqlite.stop();
  }
}

async function userDatabases(client: MongoClient): Promise<string[]> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name).filter((name) => !['admin', 'local', 'config'].includes(name));
}

async function copyDatabase(source: Db, target: Db, progress: (message: string) => void): Promise<void> {
  const collections = await source.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of collections) {
    if (name.startsWith('system.')) continue;
    try {
      progress(`  ${source.databaseName}.${name}: ${await copyCollection(source, target, name)}`);
    } catch (error) {
      throw new Error(`${source.databaseName}.${name}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Copies one collection's documents in batches, then its indexes; checks the counts. */
async function copyCollection(source: Db, target: Db, name: string): Promise<string> {
  const from = source.collection(name);
  const to = await target.createCollection(name);
  let copied = 0;
  let batch: object[] = [];
  for await (const document of from.find({}, { ...EXACT, batchSize: BATCH })) {
    batch.push(document);
    if (batch.length === BATCH) {
      await to.insertMany(batch, { ordered: true });
      copied += batch.length;
      batch = [];
    }
  }
  if (batch.length) await to.insertMany(batch, { ordered: true });
  copied += batch.length;
  const indexes = (await from.listIndexes().toArray()).filter((index) => index.name !== '_id_');
  if (indexes.length) {
    await to.createIndexes(
      indexes.map(({ key, name: indexName, unique }) => ({
        key,
        name: indexName,
        ...(unique ? { unique: true } : {}),
      })),
    );
  }
  const [expected, arrived] = await Promise.all([from.countDocuments(), to.countDocuments()]);
  if (expected !== arrived || copied !== expected) {
    throw new Error(`${expected} documents in SQLite, ${copied} read and ${arrived} arrived`);
  }
  return `${copied} documents, ${indexes.length} indexes`;
}

async function emptyDatabases(client: MongoClient): Promise<void> {
  for (const name of await userDatabases(client)) await client.db(name).dropDatabase();
}
