import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.ts';
import { resolveDatabase, type ResolvedDatabase } from '../src/db/resolve.ts';
import { configureNotices } from '../src/notices/notices.service.ts';
import { testConfig } from './support/context.ts';
import { ALLOWED_SCANS } from './support/allowed-scans.ts';
import { QueryShapeRecorder } from './support/query-shapes.ts';

// Root hooks: one throwaway database for the whole run, resolved the same way as the
// app's (MONGODB_URI, else embedded mongod, else FerretDB), emptied before each test
// and dropped at the end. Every command sent is watched: an unacknowledged write (w: 0)
// anywhere fails the run (decision 0007).

let database: ResolvedDatabase | undefined;
const unacknowledged: string[] = [];
const queryShapes = new QueryShapeRecorder();

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
    mongoose.connection.getClient().on('commandStarted', queryShapes.record);
    configureNotices({ config: testConfig }); // as server.ts does at start-up
  },
  async beforeEach(this: Mocha.Context) {
    queryShapes.enterTest(undefined); // the clearing below is the suite's, not the app's
    const db = mongoose.connection.db!;
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    await Promise.all(collections.map((c) => db.collection(c.name).deleteMany({})));
    queryShapes.enterTest(this.currentTest?.fullTitle() ?? '(a hook)');
  },
  async afterAll() {
    const unserved = await queryShapes.unserved(mongoose.connection.db!, ALLOWED_SCANS);
    // a partial run (one file) sends only some queries: stale entries are judged on the whole suite
    const wholeSuite =
      process.argv.some((arg) => arg.includes('**')) &&
      !process.argv.some((arg) => /^(-g|-f|--grep|--fgrep)(=|$)/.test(arg));
    const stale = wholeSuite ? queryShapes.staleAllowances(ALLOWED_SCANS) : [];
    if (process.env.QUERY_SHAPES_REPORT) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        process.env.QUERY_SHAPES_REPORT,
        [...unserved, '--- not pushed down:', ...queryShapes.notPushedDown()].join('\n'),
      );
    }
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
    await database?.stop();
    if (unacknowledged.length)
      throw new Error(`unacknowledged writes were sent (never use w: 0): ${[...new Set(unacknowledged)].join(', ')}`);
    if (unserved.length)
      throw new Error(
        `queries that no index serves on MongoDB (add the index to the model, reshape the query, or allow the scan in test/support/allowed-scans.ts with its reason):\n  ${unserved.join('\n  ')}`,
      );
    if (stale.length)
      throw new Error(`allowed scans that no query needs any more (remove them):\n  ${stale.join('\n  ')}`);
  },
};
