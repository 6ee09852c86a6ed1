import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// ASVS 2.1: 12 to 128 characters, any Unicode, no truncation, not a commonly breached password.
// The list is a local file so it works air-gapped.

const commonPasswords = new Set(
  readFileSync(path.join(import.meta.dirname, 'common-passwords.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line && !line.startsWith('#')),
);

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.toLowerCase());
}

/** A new password as typed in a form. */
export const newPasswordSchema = z
  .string()
  .refine((p) => [...p].length >= MIN_PASSWORD_LENGTH, 'auth:password.tooShort')
  .refine((p) => [...p].length <= MAX_PASSWORD_LENGTH, 'auth:password.tooLong')
  .refine((p) => !isCommonPassword(p), 'auth:password.common');
