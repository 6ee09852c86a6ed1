import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.ts';
import { resolveDatabase, type ResolvedDatabase } from '../src/db/resolve.ts';
import { configureNotices } from '../src/notices/notices.service.ts';
import { testConfig } from './support/context.ts';

// Root hooks: one throwaway database for the whole run, resolved the same way as the
// app's (MONGODB_URI, else embedded mongod, else FerretDB), emptied before each test
// and dropped at the end. Every command sent is watched: an unacknowledged write (w: 0)
// anywhere fails the run (decision 0007).

let database: ResolvedDatabase | undefined;
const unacknowledged: string[] = [];

/** The address of the run's database server, for tests that open a client of their own. */
export function testDatabaseUri(): string {
  if (!database) throw new Error('the test database is not up yet');
  return database.uri;
}

/** Records a command that asked for no acknowledgement; tests that open their own client use it too. */
export function watchForUnacknowledgedWrites(event: CommandStartedEvent): void {
  // the driver's own endSessions goes out unacknowledged as a client closes: no read follows it
  if (event.commandName === 'endSessions') return;
  const writeConcern = (event.command as { writeConcern?: { w?: unknown } }).writeConcern;
  if (writeConcern?.w === 0) unacknowledged.push(`${event.commandName} on ${event.databaseName}`);
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(15 * 60_000); // the first run may build FerretDB
    database = await resolveDatabase(testConfig, {
      dataDir: undefined,
      progress: (message) => console.log(`  [database] ${message}`),
    });
    const dbName = `cadre_test_${randomBytes(6).toString('hex')}`;
    console.log(`  [database] ${database.description}, database ${dbName}`);
    await connectDatabase(database.uri, dbName, { monitorCommands: true });
    mongoose.connection.getClient().on('commandStarted', watchForUnacknowledgedWrites);
    configureNotices({ config: testConfig }); // as server.ts does at start-up
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
    if (unacknowledged.length)
      throw new Error(`unacknowledged writes were sent (never use w: 0): ${[...new Set(unacknowledged)].join(', ')}`);
  },
};
