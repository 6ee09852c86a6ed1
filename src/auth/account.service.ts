import { createHash, randomBytes } from 'node:crypto';
import { fieldError, notFound } from '../http/errors.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import {
  createFirstAdministrator,
  credentialsById,
  credentialsByLinkHash,
  hasAdministrator,
  replacePassword,
  storePasswordLink,
} from '../people/credentials.service.ts';
import { getPerson } from '../people/people.service.ts';
import type { Actor } from '../access/actor.ts';
import { PasswordLinkUse } from './password-link-use.model.ts';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';

const RESET_LINK_LIFETIME_MS = 24 * 3_600_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

// Every password change, by whatever route (the account page, the change forced at first sign-in,
// a password link), goes through replacePassword (src/people/credentials.service.ts): the new
// password becomes the only one, every login session made before ends, and so does every
// outstanding password link, so a link handed out earlier cannot take the account back.

/** Changing one's password needs the current one, and ends every other login session and every password link. */
export async function changeOwnPassword(actor: Actor, current: string, next: string, hashCost: number): Promise<void> {
  const user = await credentialsById(actor.id);
  if (!user?.passwordHash) throw notFound();
  if (!(await verifyPassword(current, user.passwordHash)))
    throw fieldError('currentPassword', 'auth:password.wrongCurrent');
  // changed meanwhile (another tab, a password link): the current password typed is no longer it
  const changed = await replacePassword(
    user._id,
    { passwordHash: user.passwordHash },
    await hashPassword(next, hashCost),
  );
  if (!changed) {
    throw fieldError('currentPassword', 'auth:password.wrongCurrent');
  }
}

/**
 * Issues a single-use link that lets the person set a new password within 24 hours.
 * Only its hash is stored; the link is shown once to whoever issued it.
 */
export async function issuePasswordReset(actor: Actor, personId: string): Promise<{ token: string; expiresAt: Date }> {
  const person = await getPerson(actor, personId, 'issuePasswordLink');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + RESET_LINK_LIFETIME_MS);
  await storePasswordLink(person._id, sha256(token), expiresAt);
  return { token, expiresAt };
}

export async function findByResetToken(token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const user = await credentialsByLinkHash(sha256(token));
  if (!user?.passwordResetExpiresAt || user.passwordResetExpiresAt.getTime() < Date.now() || !user.active) return null;
  return user;
}

/**
 * Sets the new password, spends the token and ends every login session of the person. The
 * link is spent by an insert guarded by a unique index, so it works once even when sent twice
 * at the same moment.
 */
export async function resetPassword(token: string, newPassword: string, hashCost: number): Promise<boolean> {
  const user = await findByResetToken(token);
  if (!user?.passwordResetTokenHash) return false;
  const tokenHash = user.passwordResetTokenHash;
  const passwordHash = await hashPassword(newPassword, hashCost);
  try {
    await PasswordLinkUse.create({ tokenHash });
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  return replacePassword(user._id, { passwordResetTokenHash: tokenHash }, passwordHash);
}

export type FirstAdmin = { email: string; generatedPassword?: string } | undefined;

/**
 * At first start (no admin yet) creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD.
 * Without a password one is generated, returned to be printed once, and must be changed.
 */
export async function ensureFirstAdmin(
  email: string | undefined,
  password: string | undefined,
  hashCost: number,
): Promise<FirstAdmin> {
  if (await hasAdministrator()) return undefined;
  const adminEmail = email ?? 'admin@cadre.local';
  const generatedPassword = password ? undefined : generatePassword();
  await createFirstAdministrator(adminEmail, await hashPassword(password ?? generatedPassword!, hashCost), !password);
  return { email: adminEmail, ...(generatedPassword ? { generatedPassword } : {}) };
}
