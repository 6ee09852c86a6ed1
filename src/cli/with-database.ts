import type { Config } from '../config.ts';
import { connectDatabase, disconnectDatabase } from '../db/connection.ts';
import { resolveDatabase } from '../db/resolve.ts';

/**
 * Opens the database the way the server does (MONGODB_URI, else the embedded one in
 * DATA_DIR), runs the task, and always closes it again. The process exits 1 when the task
 * fails, after printing `failureHint` and the error. With the embedded database, run the
 * scripts while the server is stopped: both would open the same files.
 */
export async function withDatabase(config: Config, failureHint: string, task: () => Promise<void>): Promise<never> {
  const database = await resolveDatabase(config, {
    dataDir: config.dataDir,
    progress: (message) => console.log(message),
  }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
  console.log(`Database: ${database.description}, database ${config.mongodbDbName}`);
  let failed = false;
  try {
    await connectDatabase(database.uri, config.mongodbDbName);
    await task();
  } catch (error) {
    failed = true;
    console.error(failureHint, error);
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
  }
  process.exit(failed ? 1 : Number(process.exitCode ?? 0));
}
