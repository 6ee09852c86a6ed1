import mongoose from 'mongoose';
import { isObjectId } from '../db/object-id.ts';
import { Person, type PersonFields } from './person.model.ts';

// A person's sign-in credentials as they are kept on their record: the password hash, the
// authVersion that older login sessions are checked against, and the hash of an outstanding
// password link. The rules of signing in, of passwords and of links are auth's (src/auth); this is
// only where their data is read and written (decision 8: auth uses people).

export type CredentialRecord = PersonFields & { _id: mongoose.Types.ObjectId };

/** The account with this e-mail (already lower case), whether or not it may sign in. */
export function credentialsByEmail(email: string): Promise<CredentialRecord | null> {
  return Person.findOne({ emailKey: email }).lean<CredentialRecord>();
}

/** The account with this id; a malformed id is nobody. */
export async function credentialsById(id: string): Promise<CredentialRecord | null> {
  if (!isObjectId(id)) return null;
  return Person.findById(id).lean<CredentialRecord>();
}

/** The account holding an outstanding password link with this hash. */
export function credentialsByLinkHash(tokenHash: string): Promise<CredentialRecord | null> {
  return Person.findOne({ passwordResetTokenHash: tokenHash }).lean<CredentialRecord>();
}

/** Notes a successful sign-in, with the password re-hashed when the cost has changed. */
export async function recordSignIn(id: mongoose.Types.ObjectId, rehashed?: string): Promise<void> {
  await Person.updateOne(
    { _id: id },
    { $set: { lastSignInAt: new Date(), ...(rehashed ? { passwordHash: rehashed } : {}) } },
  );
}

/**
 * Makes `passwordHash` the only password: every login session made before ends (authVersion) and
 * so does every outstanding password link. Applies only while the record is still as the caller
 * saw it (`still`), so that of two changes racing, one wins; says whether this one did.
 */
export async function replacePassword(
  id: mongoose.Types.ObjectId,
  still: { passwordHash?: string; passwordResetTokenHash?: string },
  passwordHash: string,
): Promise<boolean> {
  const result = await Person.updateOne(
    { _id: id, active: true, ...still },
    {
      $set: { passwordHash, mustChangePassword: false },
      $inc: { authVersion: 1 },
      $unset: { passwordResetTokenHash: 1, passwordResetExpiresAt: 1 },
    },
  );
  return result.modifiedCount === 1;
}

/** Keeps the hash of a new password link (replacing any earlier one) and when it expires. */
export async function storePasswordLink(id: mongoose.Types.ObjectId, tokenHash: string, expiresAt: Date) {
  await Person.updateOne(
    { _id: id },
    { $set: { passwordResetTokenHash: tokenHash, passwordResetExpiresAt: expiresAt } },
  );
}

/** Whether any administrator exists yet. */
export async function hasAdministrator(): Promise<boolean> {
  return (await Person.exists({ roles: 'admin' })) !== null;
}

/** The first administrator, made at first start. */
export async function createFirstAdministrator(email: string, passwordHash: string, mustChangePassword: boolean) {
  if (await Person.exists({ emailKey: email })) {
    throw new Error(
      `ADMIN_EMAIL ${email} belongs to an account that is not an administrator. Choose another address, or give that account the admin role in the database.`,
    );
  }
  await new Person({
    email,
    fullName: 'Administrator',
    roles: ['admin'],
    gender: 'undisclosed',
    passwordHash,
    mustChangePassword,
  }).save();
}
