import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { buildFerretdb, FERRETDB_VERSION, startFerretdb } from './ferretdb.ts';
import { mongodDownloadFailedRecently, startMongod } from './mongod.ts';

// Which database Cadre talks to: MONGODB_URI when set, else an embedded server that
// this process starts and stops (mongod when it can be had, else FerretDB over SQLite).

export type ResolvedDatabase = {
  uri: string;
  /** one line for the log: which database and where its data lives */
  description: string;
  stop: () => Promise<void>;
};

type Options = {
  /** where the embedded server keeps its files; undefined for a throwaway one (tests) */
  dataDir: string | undefined;
  progress: (message: string) => void;
};

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export async function resolveDatabase(config: Config, options: Options): Promise<ResolvedDatabase> {
  if (config.mongodbUri) {
    return { uri: config.mongodbUri, description: `MongoDB at ${redactUri(config.mongodbUri)}`, stop: async () => {} };
  }
  const problems: string[] = [];
  if (config.embeddedDb !== 'ferretdb') {
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
        };
      } catch (error) {
        problems.push(`mongod: ${firstLine(error)}`);
        if (config.embeddedDb === 'mongod') throw unavailable(problems);
      }
    }
  }
  try {
    const binary = await buildFerretdb(config.cacheDir, options.progress);
    const dataDir = options.dataDir
      ? path.join(options.dataDir, 'ferretdb')
      : path.join(config.cacheDir, 'tmp', `ferretdb-${process.pid}-${Date.now()}`);
    const ferretdb = await startFerretdb(binary, dataDir);
    return {
      uri: ferretdb.uri,
      description: `embedded FerretDB ${FERRETDB_VERSION} (SQLite) at ${ferretdb.uri}, data in ${dataDir}`,
      stop: async () => {
        await ferretdb.stop();
        if (!options.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    problems.push(`FerretDB: ${firstLine(error)}`);
    throw unavailable(problems);
  }
}

function unavailable(problems: string[]): DatabaseUnavailableError {
  return new DatabaseUnavailableError(
    [
      'No database could be started.',
      ...problems.map((p) => `  - ${p}`),
      'Do one of these, then start again:',
      '  - set MONGODB_URI to a MongoDB 6+ or FerretDB server (see README, "Configuration");',
      '  - install Go 1.22+ and run `npm run db:build-ferretdb` (needs the Go module proxy once);',
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
