import { expect } from 'chai';
import {
  decoyPasswordHash,
  generatePassword,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../src/auth/password.ts';
import {
  isCommonPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  newPasswordSchema,
} from '../src/auth/password-policy.ts';
import { testConfig } from './support/context.ts';

// Password hashing (scrypt, PHC strings) and the rules a new password must meet.

const COST = testConfig.passwordHashCost;

/** The translation keys a candidate password breaks, none when it is accepted. */
function policyProblems(password: unknown): string[] {
  const result = newPasswordSchema.safeParse(password);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('password hashing', () => {
  it('when a password is hashed, the result is a PHC string naming scrypt and its parameters', async () => {
    const hash = await hashPassword('correct horse battery staple', COST);
    expect(hash).to.match(new RegExp(`^\\$scrypt\\$ln=${COST},r=8,p=1\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$`));
    expect(hash).not.to.include('correct horse');
  });

  it('when the same password is hashed twice, the salts and hashes differ', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password here', COST),
      hashPassword('same password here', COST),
    ]);
    expect(a).not.to.equal(b);
    expect(await verifyPassword('same password here', a)).to.equal(true);
    expect(await verifyPassword('same password here', b)).to.equal(true);
  });

  it('when the password is right it verifies, and when it differs by one character it does not', async () => {
    const hash = await hashPassword('correct horse battery staple', COST);
    expect(await verifyPassword('correct horse battery staple', hash)).to.equal(true);
    expect(await verifyPassword('correct horse battery staplE', hash)).to.equal(false);
    expect(await verifyPassword('correct horse battery stapl', hash)).to.equal(false);
    expect(await verifyPassword('', hash)).to.equal(false);
  });

  it('when the password is long, every character counts: there is no truncation at 72 bytes', async () => {
    const long = 'a'.repeat(100) + 'b';
    const hash = await hashPassword(long, COST);
    expect(await verifyPassword('a'.repeat(100) + 'c', hash)).to.equal(false);
    expect(await verifyPassword('a'.repeat(100), hash)).to.equal(false);
    expect(await verifyPassword(long, hash)).to.equal(true);
  });

  it('when Unicode is typed in composed or decomposed form, it is the same password', async () => {
    const composed = 'mot de passe café ünïcödé';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.to.equal(composed);
    const hash = await hashPassword(composed, COST);
    expect(await verifyPassword(decomposed, hash)).to.equal(true);
  });

  it('when the password is in Arabic, Cyrillic or emoji, it hashes and verifies', async () => {
    for (const password of ['كلمة المرور السرية', 'секретный пароль', '🔐🔑🗝️🔒🔓🔏🔐🔑🗝️🔒🔓🔏']) {
      const hash = await hashPassword(password, COST);
      expect(await verifyPassword(password, hash), password).to.equal(true);
    }
  });

  for (const stored of [
    '',
    'plain text',
    '$2b$10$abcdefghijklmnopqrstuv',
    '$scrypt$ln=14,r=8,p=1$$',
    '$scrypt$ln=x$a$b',
  ]) {
    it(`when the stored hash is malformed (${JSON.stringify(stored)}), verification says no instead of throwing`, async () => {
      expect(await verifyPassword('anything at all', stored)).to.equal(false);
    });
  }

  it('when the hash was made with the current parameters, it needs no rehash', async () => {
    expect(needsRehash(await hashPassword('a password to keep', COST), COST)).to.equal(false);
  });

  it('when the cost has changed since, or the hash is not ours, it needs a rehash', async () => {
    const hash = await hashPassword('a password to keep', COST);
    expect(needsRehash(hash, COST + 1)).to.equal(true);
    expect(needsRehash(hash.replace(',r=8,', ',r=4,'), COST)).to.equal(true);
    expect(needsRehash(hash.replace(',p=1$', ',p=2$'), COST)).to.equal(true);
    expect(needsRehash('$2b$10$somebcrypthash', COST)).to.equal(true);
    expect(needsRehash('', COST)).to.equal(true);
  });

  it('when an old hash is verified with its own parameters, it still works after the cost rises', async () => {
    const old = await hashPassword('a password from before', COST);
    expect(needsRehash(old, COST + 1)).to.equal(true);
    expect(await verifyPassword('a password from before', old)).to.equal(true);
  });

  it('when the decoy hash is checked, no password matches it and it is made once', async () => {
    const decoy = await decoyPasswordHash(COST);
    expect(await decoyPasswordHash(COST)).to.equal(decoy);
    expect(await verifyPassword('', decoy)).to.equal(false);
    expect(await verifyPassword('correct horse battery staple', decoy)).to.equal(false);
  });

  it('when a password is generated, it is long, random and passes the policy', () => {
    const passwords = new Set(Array.from({ length: 20 }, () => generatePassword()));
    expect(passwords.size).to.equal(20);
    for (const password of passwords) {
      expect(password).to.match(/^[A-Za-z0-9_-]{24}$/);
      expect(policyProblems(password)).to.deep.equal([]);
    }
  });
});

describe('the new-password policy', () => {
  it('when the password has 11 characters, it is too short; 12 are enough', () => {
    expect(MIN_PASSWORD_LENGTH).to.equal(12);
    expect(policyProblems('river otter')).to.deep.equal(['auth:password.tooShort']);
    expect(policyProblems('river otter!')).to.deep.equal([]);
  });

  it('when the password has 128 characters it is accepted; 129 are too many', () => {
    expect(MAX_PASSWORD_LENGTH).to.equal(128);
    expect(policyProblems('q'.repeat(127) + 'z')).to.deep.equal([]);
    expect(policyProblems('q'.repeat(128) + 'z')).to.deep.equal(['auth:password.tooLong']);
  });

  it('when the password is emoji or other astral characters, each counts once, not twice', () => {
    expect(policyProblems('🔐'.repeat(11))).to.deep.equal(['auth:password.tooShort']);
    expect(policyProblems('🔐'.repeat(12))).to.deep.equal([]);
    expect(policyProblems('🔐'.repeat(128))).to.deep.equal([]);
  });

  it('when the password is made of spaces, symbols or any script, it is accepted', () => {
    for (const password of ['            ', 'كلمة مرور طويلة', 'Длинный пароль', '!@#$%^&*()_+{}']) {
      expect(policyProblems(password), password).to.deep.equal([]);
    }
  });

  it('when the password is on the list of common ones, in any case, it is refused', () => {
    for (const password of ['password1234', 'PASSWORD1234', 'Password1234', '123456qwerty', '111111111111']) {
      expect(isCommonPassword(password), password).to.equal(true);
      expect(policyProblems(password), password).to.deep.equal(['auth:password.common']);
    }
  });

  it('when the password is not on the list, it is not called common', () => {
    expect(isCommonPassword('correct horse battery staple')).to.equal(false);
    expect(isCommonPassword('# commonly breached passwords')).to.equal(false);
    expect(isCommonPassword('')).to.equal(false);
  });

  it('when the value is not a string (an object or a list from a crafted form), it is refused', () => {
    for (const value of [{ $gt: '' }, ['correct horse battery staple'], 123456789012, null, undefined]) {
      expect(newPasswordSchema.safeParse(value).success, JSON.stringify(value)).to.equal(false);
    }
  });
});
