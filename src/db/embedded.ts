import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import { markDatabaseDown, markDatabaseUp } from './database-state.ts';
import { buildFerretdb, FERRETDB_VERSION, startFerretdb } from './ferretdb.ts';
import { moveSqliteData, sqliteHoldsData } from './move-sqlite.ts';
import { isReachable, postgresAccount, type Account } from './postgres-account.ts';
import { installEqualityIndexes } from './postgres-equality-indexes.ts';
import { clusterPassword, startPostgres } from './postgres.ts';
import type { SupervisedProcess, SupervisorLog } from './supervised-process.ts';

// The embedded FerretDB, over a private PostgreSQL (the default) or over SQLite. Files live in
// DATA_DIR: postgres/ (the cluster), postgres-password, ferretdb-state/; ferretdb/ for SQLite.
// Without a DATA_DIR (tests, benchmarks) everything goes in a throwaway folder removed at stop.

export type EmbeddedDatabase = {
  uri: string;
  description: string;
  /** "FerretDB over PostgreSQL": what the health check names */
  kind: string;
  servers: { ferretdb: SupervisedProcess; postgres?: SupervisedProcess };
  expectStop: () => void;
  stop: () => Promise<void>;
};

export type EmbeddedOptions = {
  dataDir: string | undefined;
  progress: (message: string) => void;
  log: SupervisorLog;
};

const watch = (name: string) => ({ onDown: () => markDatabaseDown(name), onUp: () => markDatabaseUp(name) });

export async function startFerretdbOverPostgres(config: Config, options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const binary = await buildFerretdb(config.cacheDir, options.progress);
  const account = postgresAccount(config.embeddedDbUser);
  const base = options.dataDir ?? (await throwawayFolder(config.cacheDir, account));
  const removeThrowaway = async () => {
    if (!options.dataDir) await fs.rm(base, { recursive: true, force: true });
  };
  const pgdata = path.join(base, 'postgres');
  const started = Date.now();
  const password = await clusterPassword(options.dataDir && path.join(options.dataDir, 'postgres-password'), pgdata);
  const pg = await startPostgres({
    pgdata,
    password,
    account,
    throwaway: !options.dataDir,
    log: options.log,
    ...watch('PostgreSQL'),
  }).catch(async (error: Error) => {
    await removeThrowaway();
    throw error;
  });
  const runsAs = account ? ` as user ${account.name}` : '';
  options.progress(
    `PostgreSQL ${pg.version} ${pg.created ? 'initialised and started' : 'started'} in ${Date.now() - started} ms on 127.0.0.1:${pg.port}${runsAs}, data in ${pgdata}`,
  );
  const url = `postgres://cadre:${password}@127.0.0.1:${pg.port}/postgres`;
  await installEqualityIndexes(url).catch(async (error: Error) => {
    await pg.process.stop();
    await removeThrowaway();
    throw error;
  });
  const stateDir = path.join(base, 'ferretdb-state');
  const ferretdb = await startFerretdb(binary, {
    backend: { handler: 'postgresql', url },
    stateDir,
    log: options.log,
    ...watch('FerretDB'),
  }).catch(async (error: Error) => {
    await pg.process.stop();
    await removeThrowaway();
    throw error;
  });
  const expectStop = () => {
    ferretdb.process.expectExit();
    pg.process.expectExit();
  };
  const stop = async () => {
    expectStop();
    // FerretDB first: it holds connections to PostgreSQL
    await ferretdb.stop();
    await pg.process.stop();
    await removeThrowaway();
  };
  const sqliteDir = options.dataDir && path.join(options.dataDir, 'ferretdb');
  if (sqliteDir && (await sqliteHoldsData(sqliteDir))) {
    await moveSqliteData({ binary, sqliteDir, target: ferretdb.uri, progress: options.progress }).catch(
      async (error: Error) => {
        await stop();
        throw error;
      },
    );
  }
  return {
    uri: ferretdb.uri,
    kind: 'FerretDB over PostgreSQL',
    description: `embedded FerretDB ${FERRETDB_VERSION} at ${ferretdb.uri} over PostgreSQL ${pg.version} at 127.0.0.1:${pg.port}, data in ${pgdata}`,
    servers: { ferretdb: ferretdb.process, postgres: pg.process },
    expectStop,
    stop,
  };
}

export async function startFerretdbOverSqlite(config: Config, options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const binary = await buildFerretdb(config.cacheDir, options.progress);
  const dataDir = options.dataDir
    ? path.join(options.dataDir, 'ferretdb')
    : path.join(config.cacheDir, 'tmp', `ferretdb-${process.pid}-${Date.now()}`);
  const ferretdb = await startFerretdb(binary, {
    backend: { handler: 'sqlite', dir: dataDir },
    stateDir: dataDir,
    log: options.log,
    ...watch('FerretDB'),
  });
  return {
    uri: ferretdb.uri,
    kind: 'FerretDB over SQLite',
    description: `embedded FerretDB ${FERRETDB_VERSION} (SQLite) at ${ferretdb.uri}, data in ${dataDir}`,
    servers: { ferretdb: ferretdb.process },
    expectStop: () => ferretdb.process.expectExit(),
    stop: async () => {
      await ferretdb.stop();
      if (!options.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A folder for a throwaway cluster: under the cache folder, unless PostgreSQL's account cannot
 * reach it (root's home is usually closed to others), then under the system's temporary folder.
 */
async function throwawayFolder(cacheDir: string, account: Account | undefined): Promise<string> {
  const parent = path.join(cacheDir, 'tmp');
  await fs.mkdir(parent, { recursive: true });
  const base = (await isReachable(parent, account)) ? parent : os.tmpdir();
  const folder = await fs.mkdtemp(path.join(base, `cadre-postgres-${process.pid}-`));
  // mkdtemp makes it 0700; PostgreSQL's account must pass through to its own folder inside
  if (account) await fs.chmod(folder, 0o711);
  return folder;
}
