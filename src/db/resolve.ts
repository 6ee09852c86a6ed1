import path from 'node:path';
import type { Config } from '../config.ts';
import { markDatabaseUp, setDatabaseKind } from './database-state.ts';
import { startFerretdbOverPostgres, startFerretdbOverSqlite, type EmbeddedDatabase } from './embedded.ts';
import { mongodDownloadFailedRecently, startMongod } from './mongod.ts';
import type { SupervisedProcess, SupervisorLog } from './supervised-process.ts';

// Which database Cadre talks to: MONGODB_URI when set, else an embedded server that this
// process starts, watches and stops: mongod when it can be had, else FerretDB over a private
// PostgreSQL (or over SQLite with EMBEDDED_DB=ferretdb-sqlite). See decision 0001.

export type ResolvedDatabase = {
  uri: string;
  /** one line for the log: which database and where its data lives */
  description: string;
  /** what the health check names, without versions or addresses: "FerretDB over PostgreSQL" */
  kind: string;
  /** the embedded servers' processes, when Cadre runs them */
  servers: { ferretdb?: SupervisedProcess; postgres?: SupervisedProcess };
  /** first thing on a stop signal: the embedded servers' exits are expected from now on, not restarted */
  expectStop: () => void;
  stop: () => Promise<void>;
};

type Options = {
  /** where the embedded server keeps its files; undefined for a throwaway one (tests) */
  dataDir: string | undefined;
  progress: (message: string) => void;
  /** where an embedded server's death and restarts are reported; progress when not given */
  log?: SupervisorLog;
};

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export async function resolveDatabase(config: Config, options: Options): Promise<ResolvedDatabase> {
  const database = await resolve(config, options);
  setDatabaseKind(database.kind);
  // a fresh start: nothing is known to be down
  for (const source of ['PostgreSQL', 'FerretDB', 'driver']) markDatabaseUp(source);
  return database;
}

async function resolve(config: Config, options: Options): Promise<ResolvedDatabase> {
  if (config.mongodbUri) {
    return {
      uri: config.mongodbUri,
      description: `MongoDB at ${redactUri(config.mongodbUri)}`,
      kind: 'MongoDB',
      servers: {},
      expectStop: () => {},
      stop: async () => {},
    };
  }
  const problems: string[] = [];
  if (config.embeddedDb === 'auto' || config.embeddedDb === 'mongod') {
    const skip = config.embeddedDb === 'auto' && (await mongodDownloadFailedRecently(config.cacheDir));
    if (skip) {
      problems.push('mongod: its download failed in the last 24 hours (set EMBEDDED_DB=mongod to try again)');
    } else {
      const dataDir = options.dataDir && path.join(options.dataDir, 'mongod');
      try {
        const mongod = await startMongod(config.cacheDir, dataDir);
        return {
          ...mongod,
          description: `embedded mongod at ${mongod.uri}, data in ${dataDir ?? 'a temporary folder'}`,
          kind: 'MongoDB',
          servers: {},
          expectStop: () => {},
        };
      } catch (error) {
        problems.push(`mongod: ${firstLine(error)}`);
        if (config.embeddedDb === 'mongod') throw unavailable(problems);
      }
    }
  }
  const embedded = {
    dataDir: options.dataDir,
    progress: options.progress,
    log: options.log ?? logTo(options.progress),
  };
  try {
    const database: EmbeddedDatabase =
      config.embeddedDb === 'ferretdb-sqlite'
        ? await startFerretdbOverSqlite(config, embedded)
        : await startFerretdbOverPostgres(config, embedded);
    return database;
  } catch (error) {
    const kind = config.embeddedDb === 'ferretdb-sqlite' ? 'FerretDB over SQLite' : 'FerretDB over PostgreSQL';
    problems.push(`${kind}: ${(error instanceof Error ? error.message : String(error)).trim()}`);
    throw unavailable(problems);
  }
}

function logTo(progress: (message: string) => void): SupervisorLog {
  return (_level, message) => progress(message);
}

function unavailable(problems: string[]): DatabaseUnavailableError {
  return new DatabaseUnavailableError(
    [
      'No database could be started.',
      ...problems.map((p) => `  - ${p}`),
      'Do one of these, then start again:',
      '  - set MONGODB_URI to a MongoDB 6+ or FerretDB server (see README, "Configuration");',
      '  - install Go 1.22+ and run `npm run db:build-ferretdb` (needs the Go module proxy once);',
      '  - or, for FerretDB over SQLite without PostgreSQL, set EMBEDDED_DB=ferretdb-sqlite;',
      '  - put a mongod binary on this machine and set MONGOMS_SYSTEM_BINARY to its path.',
    ].join('\n'),
  );
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}

/** Hides the password in a connection string before it is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
