import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

// The code printed in a sign-in sheet's QR code: which session and day the sheet is, enciphered
// so that it reveals neither and cannot be guessed or made up (docs/decisions/0012). One AES
// block: the session id (12 bytes), the day as days since 1970 (2 bytes) and a fixed mark
// (2 bytes), enciphered with a key derived from the server's secret. The same sheet always
// carries the same code, and nothing is stored: printing writes nothing.

const MARK = 0x5c55;
const BLOCK = 16;
const DAY_MS = 86_400_000;

export type SheetCodes = {
  /** the code of a session day */
  encode(sessionId: string, date: string): string;
  /** the session and day of a code; undefined for anything that is not one of ours */
  decode(code: string): { sessionId: string; date: string } | undefined;
};

export function sheetCodes(secret: string): SheetCodes {
  const key = Buffer.from(hkdfSync('sha256', secret, 'cadre', 'sign-in-sheet codes', 32));
  const cipher = (data: Buffer, decipher: boolean) => {
    const c = decipher ? createDecipheriv('aes-256-ecb', key, null) : createCipheriv('aes-256-ecb', key, null);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]);
  };
  return {
    encode(sessionId, date) {
      const block = Buffer.alloc(BLOCK);
      Buffer.from(sessionId, 'hex').copy(block, 0);
      block.writeUInt16BE(Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS), 12);
      block.writeUInt16BE(MARK, 14);
      return cipher(block, false).toString('base64url');
    },
    decode(code) {
      if (!/^[A-Za-z0-9_-]{22}$/.test(code)) return undefined;
      const block = cipher(Buffer.from(code, 'base64url'), true);
      if (block.length !== BLOCK || block.readUInt16BE(14) !== MARK) return undefined;
      const date = new Date(block.readUInt16BE(12) * DAY_MS).toISOString().slice(0, 10);
      return { sessionId: block.subarray(0, 12).toString('hex'), date };
    },
  };
}
