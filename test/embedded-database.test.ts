import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import { MongoClient, type Collection } from 'mongodb';
import pg from 'pg';
import request from 'supertest';
import { markDatabaseUp } from '../src/db/database-state.ts';
import { hasFerretdbBinary } from '../src/db/ferretdb.ts';
import { installEqualityIndexes } from '../src/db/postgres-equality-indexes.ts';
import { resolveDatabase, type ResolvedDatabase } from '../src/db/resolve.ts';
import { buildApp, testConfig } from './support/context.ts';
import { temporaryDataDir } from './support/temporary-data-dir.ts';

// The embedded default, FerretDB over a private PostgreSQL, in a DATA_DIR of its own (not the
// suite's database): its servers are killed while documents are being written, requests get
// 503 during the outage, the supervisor brings them back on the same port, and no
// acknowledged write is lost. Nothing here waits on the clock: every wait polls a condition.

const config = { ...testConfig, mongodbUri: undefined, embeddedDb: 'ferretdb' as const };

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Writes numbered documents one after another until stopped; returns the acknowledged numbers. */
function keepWriting(collection: Collection<{ _id: number }>) {
  const acknowledged: number[] = [];
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      try {
        await collection.insertOne({ _id: n });
        acknowledged.push(n);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50)); // the outage: try the next one
      }
    }
  })();
  return {
    acknowledged,
    async stop() {
      running = false;
      await done;
      return acknowledged;
    },
  };
}

describe('the embedded database, FerretDB over PostgreSQL', function () {
  this.timeout(180_000);
  let dataDir: string;
  let database: ResolvedDatabase;
  let client: MongoClient;
  let app: Express;
  const log: string[] = [];

  before(async function () {
    if (!hasFerretdbBinary(config.cacheDir)) this.skip();
    dataDir = await temporaryDataDir();
    database = await resolveDatabase(config, {
      dataDir,
      progress: (message) => log.push(message),
      log: (level, message) => log.push(`${level}: ${message}`),
    });
    client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 60_000 });
    app = await buildApp();
  });

  after(async () => {
    await client?.close();
    await database?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    for (const source of ['FerretDB', 'PostgreSQL']) markDatabaseUp(source);
  });

  it('when it starts, the log names both servers, their addresses and where the data lives', () => {
    const pgdata = path.join(dataDir, 'postgres');
    expect(log.join('\n')).to.match(/PostgreSQL 1\d .*127\.0\.0\.1:\d+/);
    expect(database.description).to.match(/FerretDB v1\.24\.2 at mongodb:\/\/127\.0\.0\.1:\d+\/ over PostgreSQL/);
    expect(database.description).to.include(pgdata);
    expect(database.kind).to.equal('FerretDB over PostgreSQL');
    expect(existsSync(path.join(pgdata, 'PG_VERSION'))).to.equal(true);
    return fs.stat(path.join(dataDir, 'postgres-password')).then((stat) => expect(stat.mode & 0o777).to.equal(0o600));
  });

  describe('FerretDB’s pushed-down equalities (decision 0005)', () => {
    let cluster: pg.Client;
    let url: string;
    let table: string;
    const twinsOf = async (name: string) =>
      (
        await cluster.query<{ indexdef: string; indexname: string }>(
          `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%USING gin%'`,
          [name],
        )
      ).rows;

    before(async () => {
      const port = /over PostgreSQL \S+ at 127\.0\.0\.1:(\d+)/.exec(database.description)![1];
      const password = (await fs.readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
      url = `postgres://cadre:${password}@127.0.0.1:${port}/postgres`;
      cluster = new pg.Client({ connectionString: url });
      await cluster.connect();
      const collection = client.db('cadre_pushdown').collection('claims');
      await collection.createIndex({ session: 1, number: 1 }, { unique: true });
      await collection.insertMany(Array.from({ length: 500 }, (_, n) => ({ session: `s${n % 50}`, number: n })));
      const meta = await cluster.query<{ t: string }>(
        `SELECT _jsonb->>'table' AS t FROM cadre_pushdown._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'claims'`,
      );
      table = meta.rows[0]!.t;
    });

    after(() => cluster?.end());

    it('every FerretDB index gets a GIN twin on its first field, as FerretDB makes it', async () => {
      const twins = (await twinsOf(table)).map((t) => t.indexdef);
      expect(twins).to.have.length(2);
      expect(twins.some((d) => d.includes(`(_jsonb -> '_id'::text)`) && d.includes('jsonb_path_ops'))).to.equal(true);
      expect(twins.some((d) => d.includes(`(_jsonb -> 'session'::text)`) && d.includes('jsonb_path_ops'))).to.equal(
        true,
      );
    });

    it('an index made before the trigger existed gets its twin at the next start', async () => {
      const [twin] = (await twinsOf(table)).filter((t) => t.indexdef.includes(`'session'`));
      await cluster.query(`DROP INDEX cadre_pushdown."${twin!.indexname}"`);
      expect((await twinsOf(table)).map((t) => t.indexname)).not.to.include(twin!.indexname);
      await installEqualityIndexes(url);
      expect((await twinsOf(table)).map((t) => t.indexname)).to.include(twin!.indexname);
    });

    it('npm run db:postgres-indexes does the same for a PostgreSQL of a site’s own, and asks for the address', async () => {
      const [twin] = (await twinsOf(table)).filter((t) => t.indexdef.includes(`'session'`));
      await cluster.query(`DROP INDEX cadre_pushdown."${twin!.indexname}"`);
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/postgres-indexes.ts', ...args], {
          encoding: 'utf8',
          env: { ...process.env, POSTGRESQL_URL: '' },
        });
      const without = cli();
      expect(without.status).to.equal(2);
      expect(without.stderr).to.include('Give the PostgreSQL address');
      const run = cli(url);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.include('plan_cache_mode');
      expect((await twinsOf(table)).map((t) => t.indexname)).to.include(twin!.indexname);
    });

    it('PostgreSQL plans each query with its values, so FerretDB’s queries use the twins', async () => {
      const setting = await cluster.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
      expect(setting.rows[0]!.plan_cache_mode).to.equal('force_custom_plan');
      const [twin] = (await twinsOf(table)).filter((t) => t.indexdef.includes(`'session'`));
      const scans = async () =>
        Number(
          (
            await cluster.query<{ idx_scan: string }>(
              `SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = $1`,
              [twin!.indexname],
            )
          ).rows[0]?.idx_scan ?? 0,
        );
      const before = await scans();
      const collection = client.db('cadre_pushdown').collection('claims');
      // past the five executions after which PostgreSQL may switch a statement to a generic plan
      for (let n = 0; n < 12; n++) {
        expect(await collection.countDocuments({ session: `s${n}` })).to.equal(10);
      }
      // the statistics reach the view when the server process next reports them (within seconds)
      await until('the twin’s scans counted', async () => ((await scans()) >= before + 12 ? true : undefined));
    });
  });

  for (const server of ['ferretdb', 'postgres'] as const) {
    it(`when ${server === 'ferretdb' ? 'FerretDB' : 'PostgreSQL'} is killed mid-use, requests get 503, it comes back on its port and no acknowledged write is lost`, async () => {
      const collection = client.db('cadre_outage').collection<{ _id: number }>(server);
      const writer = keepWriting(collection);
      await until('a few writes', async () => (writer.acknowledged.length >= 20 ? true : undefined));
      const victim = database.servers[server]!;
      const pid = victim.pid!;
      process.kill(pid, 'SIGKILL');

      const refused = await until('a 503 from the app', async () => {
        const res = await request(app).get('/login');
        return res.status === 503 ? res : undefined;
      });
      expect(refused.headers['retry-after']).to.equal('5');
      expect(refused.text).to.include('The database is not answering');
      const health = await request(app).get('/healthz');
      expect(health.status).to.equal(503);
      expect(health.body.database.state).to.equal('down');

      await until('/healthz up again', async () =>
        (await request(app).get('/healthz')).status === 200 ? true : undefined,
      );
      expect(victim.pid).to.be.a('number').and.not.equal(pid);
      const before = writer.acknowledged.length;
      await until('writes after the restart', async () =>
        writer.acknowledged.length >= before + 20 ? true : undefined,
      );
      const acknowledged = await writer.stop();

      const stored = new Set((await collection.find({}).toArray()).map((document) => document._id));
      expect(acknowledged.filter((n) => !stored.has(n))).to.deep.equal([]);
      expect(log.join('\n')).to.match(
        new RegExp(
          `${server === 'ferretdb' ? 'FerretDB' : 'PostgreSQL'} \\(pid ${pid}\\) died unexpectedly \\(signal SIGKILL\\)`,
        ),
      );
      expect(log.join('\n')).to.match(/restarting on port \d+ in \d+ ms/);
      expect(log.join('\n')).to.match(/is back up on 127\.0\.0\.1:\d+/);
    });
  }
});

describe('the embedded database, when PostgreSQL cannot start', function () {
  this.timeout(60_000);
  let dataDir: string;

  before(async function () {
    if (!hasFerretdbBinary(config.cacheDir)) this.skip();
    dataDir = await temporaryDataDir();
  });

  after(async () => {
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('the start stops with PostgreSQL’s own last lines, not a bare failure', async () => {
    const pgdata = path.join(dataDir, 'postgres');
    await fs.mkdir(pgdata, { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(pgdata, 'PG_VERSION'), 'not a version\n');
    await fs.writeFile(path.join(dataDir, 'postgres-password'), 'whatever\n', { mode: 0o600 });
    const failure = await resolveDatabase(config, { dataDir, progress: () => {} }).catch((error: Error) => error);
    expect(failure).to.be.instanceOf(Error);
    const message = (failure as Error).message;
    expect(message, message).to.match(
      /FerretDB over PostgreSQL: PostgreSQL did not start \([^)]*\)\. Its last lines:\n/,
    );
    expect(message, message).to.include('postgresql.conf');
  });

  it('a cluster whose password file is gone stops the start with a message saying so', async () => {
    await fs.mkdir(path.join(dataDir, 'postgres'), { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(dataDir, 'postgres', 'PG_VERSION'), '18\n');
    await fs.rm(path.join(dataDir, 'postgres-password'), { force: true });
    const failure = await resolveDatabase(config, { dataDir, progress: () => {} }).catch((error: Error) => error);
    const message = (failure as Error).message;
    expect(message, message).to.match(
      /holds a PostgreSQL cluster but its password file .*postgres-password is missing/,
    );
  });
});
