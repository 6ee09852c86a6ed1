import type { Actor } from '../access/actor.ts';
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { credentialsByEmail, recordSignIn } from '../people/credentials.service.ts';
import { toActor } from '../people/people.service.ts';

/**
 * Checks an e-mail and password. Unknown accounts, accounts without a password and
 * deactivated accounts take as long as a wrong password and answer the same (undefined).
 */
export async function authenticate(email: string, password: string, hashCost: number): Promise<Actor | undefined> {
  const normalised = email.trim().toLowerCase();
  const user = normalised ? await credentialsByEmail(normalised) : null;
  if (!user?.passwordHash || !user.active) {
    await verifyPassword(password, await decoyPasswordHash(hashCost));
    return undefined;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return undefined;
  const rehashed = needsRehash(user.passwordHash, hashCost) ? await hashPassword(password, hashCost) : undefined;
  await recordSignIn(user._id, rehashed);
  return toActor(user);
}
