import mongoose from 'mongoose';
import { createRecord } from '../../src/completions/revisions.ts';
import { newVerifyCode } from '../../src/completions/verify-codes.ts';
import type { RecordResult, StoredStatus } from '../../src/completions/completion-record.model.ts';

// Completion records made directly, as a closing or a manual entry would leave them (decision
// 0015): the transcripts, progress and prerequisite tests need records in every status, which
// closing sessions one by one would take long to make.

type Person = { _id: mongoose.Types.ObjectId; fullName: string };
type Module = { _id: mongoose.Types.ObjectId; code: string; title: string; hours: number };
type Issuer = { _id: mongoose.Types.ObjectId; name: string; country: mongoose.Types.ObjectId };

export type RecordSeed = {
  result?: RecordResult;
  status?: StoredStatus;
  startedOn: string;
  endedOn?: string;
  hours?: number;
  expiresAt?: Date | null;
  certificateNumber?: string;
  moduleTitles?: { language: string; title: string }[];
  /** as issued */
  gender?: string;
  issuerCountryCode?: string;
  pre?: number | null;
  post?: number | null;
};

/** A record of the person for the module, issued by the institution, as the seed says. */
export async function buildRecord(person: Person, module: Module, issuer: Issuer, seed: RecordSeed) {
  const id = new mongoose.Types.ObjectId();
  const endedOn = seed.endedOn ?? seed.startedOn;
  return createRecord(
    {
      person: person._id,
      module: module._id,
      moduleVersion: 1,
      source: 'manual',
      sourceKey: `manual:${id.toHexString()}`,
      nameAsIssued: person.fullName,
      gender: seed.gender,
      pre: seed.pre ?? null,
      post: seed.post ?? null,
      moduleCode: module.code,
      moduleTitle: module.title,
      moduleTitles: seed.moduleTitles ?? [],
      hours: seed.hours ?? module.hours,
      startedOn: seed.startedOn,
      endedOn,
      result: seed.result ?? 'completed',
      verifyCode: newVerifyCode(),
      certificateNumber: seed.certificateNumber,
      issuingInstitution: issuer._id,
      issuingCountry: issuer.country,
      issuerName: issuer.name,
      issuerCountryCode: seed.issuerCountryCode ?? '',
      issuedAt: new Date(`${endedOn}T12:00:00Z`),
      expiresAt: seed.expiresAt ?? null,
      status: seed.status ?? 'valid',
    },
    { action: 'issued', at: new Date() },
  );
}
