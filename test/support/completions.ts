import mongoose from 'mongoose';
import { numberRecord } from '../../src/completions/issuing.service.ts';
import { createRecord } from '../../src/completions/revisions.ts';
import { newVerifyCode } from '../../src/completions/verify-codes.ts';
import type { CompletionRecordFields } from '../../src/completions/completion-record.model.ts';

// Completion records made straight in the database, as a closing (issuing.service.ts) makes
// them, with the values a test names: for tests of what is done with records, not of issuing.

type Ref = { _id: mongoose.Types.ObjectId };
type Seed = {
  person: Ref & { fullName?: string };
  module: Ref & { code?: string; title?: string; version?: number };
  institution: Ref & { name?: string; country: mongoose.Types.ObjectId | null | undefined };
  country: Ref & { code: string; name?: string };
  session?: Ref;
  fields?: Partial<Omit<CompletionRecordFields, 'resultReasons' | 'moduleTitles' | 'signatories' | 'evidence'>> & {
    evidence?: { storedName: string; originalName: string; mimeType: string; size: number; sha256?: string };
  };
  /** numbered as a closing numbers a completion (default: when completed) */
  numbered?: boolean;
};

export async function buildRecord({ person, module, institution, country, session, fields = {}, numbered }: Seed) {
  const _id = new mongoose.Types.ObjectId();
  const result = fields.result ?? 'completed';
  const record = await createRecord(
    {
      _id,
      person: person._id,
      module: module._id,
      moduleVersion: module.version ?? 1,
      source: session ? 'session' : 'manual',
      ...(session ? { session: session._id } : {}),
      sourceKey: session
        ? `session:${session._id.toHexString()}:${person._id.toHexString()}`
        : `manual:${_id.toHexString()}`,
      nameAsIssued: person.fullName ?? 'Someone',
      moduleCode: module.code ?? 'MOD-1',
      moduleTitle: module.title ?? 'A module',
      hours: 15,
      startedOn: '2026-03-02',
      endedOn: '2026-03-03',
      attendancePercent: 100,
      pre: 40,
      post: 85,
      result,
      verifyCode: newVerifyCode(),
      issuingInstitution: institution._id,
      issuingCountry: country._id,
      issuerName: institution.name ?? 'An institution',
      issuerCountryName: country.name ?? '',
      issuedAt: new Date('2026-03-04T10:00:00Z'),
      expiresAt: result === 'completed' ? new Date('2028-03-03T00:00:00Z') : null,
      status: 'valid',
      ...fields,
    },
    { action: 'issued', at: new Date('2026-03-04T10:00:00Z') },
  );
  if (numbered ?? result === 'completed') await numberRecord(record, country);
  return record;
}
