import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A temporary DATA_DIR that the embedded PostgreSQL's account can reach when the tests run as root. */
export async function temporaryDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadre-embedded-test-'));
  await fs.chmod(dir, 0o755);
  return dir;
}
