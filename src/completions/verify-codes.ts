import { randomBytes } from 'node:crypto';

// The code in a certificate's verification address (/verify/<code>): 128 random bits, written
// in base64url (22 characters), so nobody can guess or enumerate a record (decision 0015).

export function newVerifyCode(): string {
  return randomBytes(16).toString('base64url');
}

const VERIFY_CODE = /^[A-Za-z0-9_-]{22}$/;

/** Whether the text can be a code at all: anything else is answered as unknown without a query. */
export const looksLikeVerifyCode = (text: string): boolean => VERIFY_CODE.test(text);
