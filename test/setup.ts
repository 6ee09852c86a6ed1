import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.ts';
import { setDatabaseKind } from '../src/db/database-state.ts';
import { resolveDatabase, type ResolvedDatabase } from '../src/db/resolve.ts';
import { configureNotices } from '../src/notices/notices.service.ts';
import { testConfig } from './support/context.ts';
import { ALLOWED_SCANS } from './support/allowed-scans.ts';
import { QueryShapeRecorder, type RecordedShapes } from './support/query-shapes.ts';

// One throwaway database server for the whole run, resolved the same way as the app's
// (MONGODB_URI, else embedded mongod, else FerretDB), started by mocha's main process
// (mochaGlobalSetup). The test files run in two parallel workers (.mocharc.json), or in that one
// process: each process uses a database of its own on the server, emptied before each test;
// every database of the run is dropped at its end. Every command sent is watched: an
// unacknowledged write (w: 0) anywhere fails the run (decision 0007), and every query's shape
// is held to the indexes (decision 0010), each process's shapes merged at the end.

/** What the main process hands the processes that run the tests. */
type Run = { uri: string; kind: string; id: string; reports: string };
const RUN_VARIABLE = 'CADRE_TEST_RUN';

function run(): Run {
  const value = process.env[RUN_VARIABLE];
  if (!value) throw new Error('the test database is not up yet (test/setup.ts starts it: run the tests with mocha)');
  return JSON.parse(value) as Run;
}

/** The address of the run's database server, for tests that open a client of their own. */
export function testDatabaseUri(): string {
  return run().uri;
}

let server: ResolvedDatabase | undefined;

export async function mochaGlobalSetup() {
  server = await resolveDatabase(testConfig, {
    dataDir: undefined,
    progress: (message) => console.log(`  [database] ${message}`),
  });
  const reports = await mkdtemp(path.join(os.tmpdir(), 'cadre-test-shapes-'));
  const id = randomBytes(4).toString('hex');
  console.log(`  [database] ${server.description}, databases cadre_test_${id}_<process>`);
  process.env[RUN_VARIABLE] = JSON.stringify({ uri: server.uri, kind: server.kind, id, reports } satisfies Run);
}

export async function mochaGlobalTeardown() {
  const { uri, id, reports } = run();
  const found = await Promise.all(
    (await readdir(reports)).map(
      async (name) => JSON.parse(await readFile(path.join(reports, name), 'utf8')) as Report,
    ),
  );
  const unserved = [...new Set(found.flatMap((report) => report.unserved))].sort();
  const merged = new QueryShapeRecorder();
  for (const report of found) merged.absorb(report.shapes);
  // a partial run (one file) sends only some queries: stale entries are judged on the whole suite
  const wholeSuite =
    process.argv.some((arg) => arg.includes('**')) &&
    !process.argv.some((arg) => /^(-g|-f|--grep|--fgrep)(=|$)/.test(arg));
  const stale = wholeSuite ? merged.staleAllowances(ALLOWED_SCANS) : [];
  if (process.env.QUERY_SHAPES_REPORT) {
    await writeFile(
      process.env.QUERY_SHAPES_REPORT,
      [...unserved, '--- not pushed down:', ...merged.notPushedDown()].join('\n'),
    );
  }
  await rm(reports, { recursive: true, force: true });
  await disconnectDatabase();
  await dropRunDatabases(uri, id);
  await server?.stop();
  const unacknowledged = [...new Set(found.flatMap((report) => report.unacknowledged))];
  if (unacknowledged.length)
    throw new Error(`unacknowledged writes were sent (never use w: 0): ${unacknowledged.join(', ')}`);
  if (unserved.length)
    throw new Error(
      `queries that no index serves on MongoDB (add the index to the model, reshape the query, or allow the scan in test/support/allowed-scans.ts with its reason):\n  ${unserved.join('\n  ')}`,
    );
  if (stale.length)
    throw new Error(`allowed scans that no query needs any more (remove them):\n  ${stale.join('\n  ')}`);
}

async function dropRunDatabases(uri: string, id: string) {
  const client = await MongoClient.connect(uri);
  try {
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    const ours = databases.filter((d) => d.name.startsWith(`cadre_test_${id}_`));
    await Promise.all(ours.map((d) => client.db(d.name).dropDatabase()));
  } finally {
    await client.close();
  }
}

/** What one process saw, written after each of its files (a worker does not know which is its last). */
type Report = { shapes: RecordedShapes; unserved: string[]; unacknowledged: string[] };

const unacknowledged: string[] = [];
const queryShapes = new QueryShapeRecorder();
let connected: Promise<void> | undefined;

/** Records a command that asked for no acknowledgement; tests that open their own client use it too. */
export function watchForUnacknowledgedWrites(event: CommandStartedEvent): void {
  // the driver's own endSessions goes out unacknowledged as a client closes: no read follows it
  if (event.commandName === 'endSessions') return;
  const writeConcern = (event.command as { writeConcern?: { w?: unknown } }).writeConcern;
  if (writeConcern?.w === 0) unacknowledged.push(`${event.commandName} on ${event.databaseName}`);
}

/** This process's database on the run's server, connected once whatever the number of files. */
function connectOnce(): Promise<void> {
  connected ??= (async () => {
    const { uri, kind, id } = run();
    setDatabaseKind(kind); // as resolveDatabase does in the app, for the health check
    await connectDatabase(uri, `cadre_test_${id}_${process.pid}`, { monitorCommands: true });
    mongoose.connection.getClient().on('commandStarted', watchForUnacknowledgedWrites);
    mongoose.connection.getClient().on('commandStarted', queryShapes.record);
    configureNotices({ config: testConfig }); // as server.ts does at start-up
  })();
  return connected;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await connectOnce();
  },
  async beforeEach(this: Mocha.Context) {
    queryShapes.enterTest(undefined); // the clearing below is the suite's, not the app's
    const db = mongoose.connection.db!;
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    await Promise.all(collections.map((c) => db.collection(c.name).deleteMany({})));
    queryShapes.enterTest(this.currentTest?.fullTitle() ?? '(a hook)');
  },
  async afterAll() {
    // every model this process has used has its indexes built before they are compared
    await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
    const report: Report = {
      shapes: queryShapes.recorded(),
      unserved: await queryShapes.unserved(mongoose.connection.db!, ALLOWED_SCANS),
      unacknowledged,
    };
    await writeFile(path.join(run().reports, `${process.pid}.json`), JSON.stringify(report));
  },
};
