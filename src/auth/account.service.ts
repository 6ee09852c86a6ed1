import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { fieldError, forbidden, notFound } from '../http/errors.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { Person } from '../people/person.model.ts';
import { canManage, getPerson } from '../people/people.service.ts';
import type { Actor } from '../access/actor.ts';
import { PasswordLinkUse } from './password-link-use.model.ts';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';

const RESET_LINK_LIFETIME_MS = 24 * 3_600_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Every password change goes through here, by whatever route (the account page, the change
 * forced at first sign-in, a password link): the new password becomes the only one, every
 * login session made before ends (authVersion), and so does every outstanding password link,
 * so a link handed out earlier cannot take the account back afterwards. The update applies
 * only while the record is still as the caller saw it (`still`).
 */
async function setPassword(
  userId: Types.ObjectId,
  still: { passwordHash?: string; passwordResetTokenHash?: string },
  passwordHash: string,
): Promise<boolean> {
  const result = await Person.updateOne(
    { _id: userId, active: true, ...still },
    {
      $set: { passwordHash, mustChangePassword: false },
      $inc: { authVersion: 1 },
      $unset: { passwordResetTokenHash: 1, passwordResetExpiresAt: 1 },
    },
  );
  return result.modifiedCount === 1;
}

/** Changing one's password needs the current one, and ends every other login session and every password link. */
export async function changeOwnPassword(actor: Actor, current: string, next: string, hashCost: number): Promise<void> {
  const user = await Person.findById(actor.id);
  if (!user?.passwordHash) throw notFound();
  if (!(await verifyPassword(current, user.passwordHash)))
    throw fieldError('currentPassword', 'auth:password.wrongCurrent');
  // changed meanwhile (another tab, a password link): the current password typed is no longer it
  const changed = await setPassword(user._id, { passwordHash: user.passwordHash }, await hashPassword(next, hashCost));
  if (!changed) {
    throw fieldError('currentPassword', 'auth:password.wrongCurrent');
  }
}

/**
 * Issues a single-use link that lets the person set a new password within 24 hours.
 * Only its hash is stored; the link is shown once to whoever issued it.
 */
export async function issuePasswordReset(actor: Actor, personId: string): Promise<{ token: string; expiresAt: Date }> {
  const person = await getPerson(actor, personId);
  if (!canManage(actor, person)) throw forbidden();
  if (!person.email) throw forbidden('people:reset.noEmail');
  if (!person.active) throw forbidden('people:reset.inactive');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + RESET_LINK_LIFETIME_MS);
  person.passwordResetTokenHash = sha256(token);
  person.passwordResetExpiresAt = expiresAt;
  await person.save();
  return { token, expiresAt };
}

export async function findByResetToken(token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const user = await Person.findOne({ passwordResetTokenHash: sha256(token) });
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
  return setPassword(user._id, { passwordResetTokenHash: tokenHash }, passwordHash);
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
  if (await Person.exists({ roles: 'admin' })) return undefined;
  const adminEmail = email ?? 'admin@cadre.local';
  if (await Person.exists({ emailKey: adminEmail })) {
    throw new Error(
      `ADMIN_EMAIL ${adminEmail} belongs to an account that is not an administrator. Choose another address, or give that account the admin role in the database.`,
    );
  }
  const generatedPassword = password ? undefined : generatePassword();
  const admin = new Person({
    email: adminEmail,
    fullName: 'Administrator',
    roles: ['admin'],
    gender: 'undisclosed',
    passwordHash: await hashPassword(password ?? generatedPassword!, hashCost),
    mustChangePassword: !password,
  });
  await admin.save();
  return { email: adminEmail, ...(generatedPassword ? { generatedPassword } : {}) };
}
