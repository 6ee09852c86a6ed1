import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './ports.ts';
import { SupervisedProcess, type SupervisorLog } from './supervised-process.ts';

// FerretDB is the embedded database on machines that cannot download mongod, over a private
// PostgreSQL (embedded.ts) or over SQLite.
// `go install …/cmd/ferretdb@v1.24.2` builds a binary that panics at start because
// build/version/version.txt is generated and not part of the module; so we build it
// from a small wrapper module with the dependency vendored and that file written in.
// See docs/decisions/0001-embedded-database.md.

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_PACKAGE = 'github.com/FerretDB/FerretDB/cmd/ferretdb';

export function ferretdbBinaryPath(cacheDir: string): string {
  return path.join(cacheDir, 'ferretdb', FERRETDB_VERSION, 'ferretdb');
}

export function hasFerretdbBinary(cacheDir: string): boolean {
  return existsSync(ferretdbBinaryPath(cacheDir));
}

type Progress = (message: string) => void;

function run(command: string, args: string[], cwd: string, progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) progress(line.trim());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) =>
      reject(
        new Error(
          `Could not run "${command}" (${error.message}). Install Go 1.22 or newer, or set MONGODB_URI to a MongoDB server.`,
        ),
      ),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`"${command} ${args.join(' ')}" failed with code ${code}:\n${tail}`)),
    );
  });
}

/** Builds FerretDB into the cache (a few minutes the first time); does nothing when it is already there. */
export async function buildFerretdb(cacheDir: string, progress: Progress = () => {}): Promise<string> {
  const binary = ferretdbBinaryPath(cacheDir);
  if (existsSync(binary)) return binary;
  const workDir = path.join(cacheDir, 'ferretdb', `${FERRETDB_VERSION}-build`);
  await fs.rm(workDir, { recursive: true, force: true });
  await fs.mkdir(workDir, { recursive: true });
  progress(`Building FerretDB ${FERRETDB_VERSION} with Go in ${workDir} (takes a few minutes, once)…`);
  await run('go', ['mod', 'init', 'cadre.local/ferretdb'], workDir, progress);
  progress('Fetching FerretDB and its dependencies from the Go module proxy…');
  await run('go', ['get', '-tool', `${FERRETDB_PACKAGE}@${FERRETDB_VERSION}`], workDir, progress);
  await run('go', ['mod', 'vendor'], workDir, progress);
  const versionFile = path.join(
    workDir,
    'vendor',
    'github.com',
    'FerretDB',
    'FerretDB',
    'build',
    'version',
    'version.txt',
  );
  await fs.writeFile(versionFile, `${FERRETDB_VERSION}\n`);
  progress('Compiling FerretDB…');
  const partial = `${binary}.partial`;
  await fs.mkdir(path.dirname(binary), { recursive: true });
  await run('go', ['build', '-mod=vendor', '-trimpath', '-o', partial, FERRETDB_PACKAGE], workDir, progress);
  await fs.rename(partial, binary);
  await fs.rm(workDir, { recursive: true, force: true });
  progress(`FerretDB ${FERRETDB_VERSION} is ready at ${binary}`);
  return binary;
}

export type FerretdbBackend = { handler: 'sqlite'; dir: string } | { handler: 'postgresql'; url: string };

export type FerretdbOptions = {
  backend: FerretdbBackend;
  stateDir: string;
  log?: SupervisorLog;
  onDown?: () => void;
  onUp?: () => void;
};

export type RunningFerretdb = { uri: string; process: SupervisedProcess; stop: () => Promise<void> };

/** Starts FerretDB under supervision on 127.0.0.1, telemetry and the debug listener off. */
export async function startFerretdb(binary: string, options: FerretdbOptions): Promise<RunningFerretdb> {
  const { backend, stateDir } = options;
  await fs.mkdir(stateDir, { recursive: true });
  if (backend.handler === 'sqlite') await fs.mkdir(backend.dir, { recursive: true });
  const port = await freePort();
  const ferretdb = new SupervisedProcess({
    name: 'FerretDB',
    command: binary,
    args: [
      ...(backend.handler === 'sqlite'
        ? ['--handler=sqlite', `--sqlite-url=file:${backend.dir}/`]
        : ['--handler=postgresql']),
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
      '--log-format=text',
    ],
    port,
    // the PostgreSQL address holds its password: in the environment, which only this user can read,
    // rather than the command line, which every user of the machine can
    ...(backend.handler === 'postgresql'
      ? { spawnOptions: { env: { ...process.env, FERRETDB_POSTGRESQL_URL: backend.url } } }
      : {}),
    stopSignal: 'SIGTERM',
    log: options.log ?? (() => {}),
    ...(options.onDown ? { onDown: options.onDown } : {}),
    ...(options.onUp ? { onUp: options.onUp } : {}),
  });
  await ferretdb.start();
  return { uri: `mongodb://127.0.0.1:${port}/`, process: ferretdb, stop: () => ferretdb.stop() };
}
