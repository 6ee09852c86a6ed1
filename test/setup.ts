import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.ts';
import { resolveDatabase, type ResolvedDatabase } from '../src/db/resolve.ts';
import { testConfig } from './support/context.ts';

// Root hooks: one throwaway database for the whole run, resolved the same way as the
// app's (MONGODB_URI, else embedded mongod, else FerretDB), emptied before each test
// and dropped at the end.

let database: ResolvedDatabase | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(15 * 60_000); // the first run may build FerretDB
    database = await resolveDatabase(testConfig, {
      dataDir: undefined,
      progress: (message) => console.log(`  [database] ${message}`),
    });
    const dbName = `cadre_test_${randomBytes(6).toString('hex')}`;
    console.log(`  [database] ${database.description}, database ${dbName}`);
    await connectDatabase(database.uri, dbName);
  },
  async beforeEach() {
    const db = mongoose.connection.db!;
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    await Promise.all(collections.map((c) => db.collection(c.name).deleteMany({})));
  },
  async afterAll() {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
    await database?.stop();
  },
};
