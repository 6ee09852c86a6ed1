import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt from node:crypto: memory-hard, no native build. Stored as a PHC-style string
// "$scrypt$ln=17,r=8,p=1$<salt>$<hash>" so parameters can rise later and old hashes
// still verify (and are re-hashed at the next sign-in).

const KEY_LENGTH = 64;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function options(logN: number, r: number, p: number): ScryptOptions {
  return { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 };
}

export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, options(logN, BLOCK_SIZE, PARALLELISM));
  return `$scrypt$ln=${logN},r=${BLOCK_SIZE},p=${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Constant-time check; false for a malformed hash rather than an exception. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = PHC.exec(stored);
  if (!match) return false;
  const [, ln, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), options(Number(ln), Number(r), Number(p)));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function needsRehash(stored: string, logN: number): boolean {
  const match = PHC.exec(stored);
  return !match || Number(match[1]) !== logN || Number(match[2]) !== BLOCK_SIZE || Number(match[3]) !== PARALLELISM;
}

/** A password that verifies against nothing real, to spend the same time on unknown accounts. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(logN: number): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'), logN);
  return decoyHash;
}

export function generatePassword(): string {
  // 18 random bytes → 24 base64url characters, ~144 bits
  return randomBytes(18).toString('base64url');
}
