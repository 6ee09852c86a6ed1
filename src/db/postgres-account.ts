import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

// PostgreSQL refuses to run as root. When Cadre is root (containers, CI), the embedded one runs
// as EMBEDDED_DB_USER, else the `postgres` account when the machine has one (made for exactly
// this and owning nothing else of ours), else `nobody`, which every Linux has (decision 0001).

export type Account = { name: string; uid: number; gid: number };

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
