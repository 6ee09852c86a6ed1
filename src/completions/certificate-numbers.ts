import type mongoose from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { CertificateNumber } from './completion-record.model.ts';

// Certificate numbers are readable and run without gaps within an issuing country and year:
// KZ-2026-000123. A number is claimed by inserting it (`{country, year, sequence}` unique), for
// one record only (`{record}` unique), after the record itself exists: a claim never points at
// nothing, so every number in the sequence belongs to a record (decision 0015). Within one
// process the claims of a country and year are taken one after another, so concurrent closings
// do not race each other to the same number; across processes the unique index decides, and the
// loser takes the next.

type Id = mongoose.Types.ObjectId;

export function formatCertificateNumber(countryCode: string, year: number, sequence: number): string {
  return `${countryCode.toUpperCase()}-${year}-${String(sequence).padStart(6, '0')}`;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs the work after every earlier claim of the same country and year in this process. */
function inQueue<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

export type CertificateNumberClaim = { country: Id; countryCode: string; year: number; record: Id };

/** The record's certificate number: the one it already holds, or the next free one. */
export function claimCertificateNumber(claim: CertificateNumberClaim): Promise<string> {
  return inQueue(`${claim.country.toHexString()}:${claim.year}`, () => claimNext(claim));
}

async function claimNext({ country, countryCode, year, record }: CertificateNumberClaim): Promise<string> {
  const held = await CertificateNumber.findOne({ record }, { number: 1 }).lean();
  if (held) return held.number;
  const last = await CertificateNumber.findOne({ country, year }, { sequence: 1 }).sort({ sequence: -1 }).lean();
  let sequence = (last?.sequence ?? 0) + 1;
  for (;;) {
    const number = formatCertificateNumber(countryCode, year, sequence);
    try {
      await CertificateNumber.create({ country, year, sequence, number, record });
      return number;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // another process took this number, or this record got one in a racing request
      const mine = await CertificateNumber.findOne({ record }, { number: 1 }).lean();
      if (mine) return mine.number;
      sequence++;
    }
  }
}
