import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MongoMemoryServer } from 'mongodb-memory-server';

// mongod through mongodb-memory-server: a system binary (MONGOMS_SYSTEM_BINARY), one it
// downloaded before, or a fresh download. Machines without internet fail the download
// after several seconds; we remember that for a day so each start does not pay it again.

const DOWNLOAD_FAILURE_MEMORY_MS = 24 * 3_600_000;

function failureMarker(cacheDir: string): string {
  return path.join(cacheDir, 'mongod-download-failed');
}

export async function mongodDownloadFailedRecently(cacheDir: string): Promise<boolean> {
  const marker = failureMarker(cacheDir);
  if (!existsSync(marker)) return false;
  const stat = await fs.stat(marker);
  return Date.now() - stat.mtimeMs < DOWNLOAD_FAILURE_MEMORY_MS;
}

export type RunningMongod = { uri: string; stop: () => Promise<void> };

/** Starts mongod; with a dataDir its files persist there, without one they live in a temporary folder. */
export async function startMongod(cacheDir: string, dataDir: string | undefined): Promise<RunningMongod> {
  if (dataDir) await fs.mkdir(dataDir, { recursive: true });
  try {
    const server = await MongoMemoryServer.create({
      instance: { ip: '127.0.0.1', ...(dataDir ? { dbPath: dataDir, storageEngine: 'wiredTiger' as const } : {}) },
    });
    await fs.rm(failureMarker(cacheDir), { force: true });
    return {
      uri: server.getUri(),
      stop: async () => {
        // cleanup removes only a temporary folder it made itself, never a given dbPath
        await server.stop();
      },
    };
  } catch (error) {
    await fs.mkdir(cacheDir, { recursive: true });
    await fs.writeFile(failureMarker(cacheDir), `${new Date().toISOString()} ${(error as Error).message}\n`);
    throw error;
  }
}
