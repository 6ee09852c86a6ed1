import mongoose from 'mongoose';
import { HttpError } from '../http/errors.ts';
import { countrySummary } from '../institutions/countries.service.ts';
import { certificateIssuer, institutionSummary } from '../institutions/institutions.service.ts';
import { moduleAsDelivered } from '../modules/module-lookups.service.ts';
import { personSummaries } from '../people/people.service.ts';
import { confirmedResults, type ClosingFollowUps } from '../results/results.service.ts';
import { loadSession } from '../sessions/session-queries.service.ts';
import { claimCertificateNumber } from './certificate-numbers.ts';
import { CompletionRecord, type CompletionRecordDocument } from './completion-record.model.ts';
import { expiryOf, numberingYear, recordResultOf } from './completion-rules.ts';
import { createRecord, reviseRecord, type RecordContent } from './revisions.ts';
import { newVerifyCode } from './verify-codes.ts';

// Completion records made from a session's confirmed results (decision 0013's hand-over,
// decision 0015). Closing a session calls issueSessionRecords before it marks the session
// closed, reopening calls withdrawSessionRecords; both are idempotent, so a closing cut short
// and run again leaves each participant one record with one certificate number.

type Id = mongoose.Types.ObjectId;

export const sessionSourceKey = (sessionId: Id | string, personId: Id | string) =>
  `session:${String(sessionId)}:${String(personId)}`;

/** Makes (or brings back) the records of a closed session's confirmed results. */
export async function issueSessionRecords(sessionId: Id | string, by: Id | string, at: Date) {
  const session = await loadSession(String(sessionId));
  const [results, module, institution, issuer] = await Promise.all([
    confirmedResults(session._id),
    moduleAsDelivered(session.module, session.moduleVersion),
    institutionSummary(session.institution),
    certificateIssuer(session.institution),
  ]);
  if (!module || !institution || !issuer) throw new Error(`session ${String(sessionId)} has no module or venue`);
  const country = await countrySummary(institution.country);
  if (!country) throw new Error(`institution ${institution._id.toHexString()} has no country`);
  const people = new Map((await personSummaries(results.map((r) => r.person))).map((p) => [p._id.toHexString(), p]));
  const dates = session.days.map((d) => d.date).sort();
  const endedOn = dates.at(-1)!;

  // the records an earlier closing made, read at once (one query by the session)
  const made = new Map(
    (await CompletionRecord.find({ session: session._id })).map((record) => [record.sourceKey, record]),
  );
  let issued = 0;
  for (const result of results) {
    const key = sessionSourceKey(session._id, result.person);
    const recordResult = recordResultOf(result.outcome);
    const existing = made.get(key);
    if (!recordResult) {
      // someone who never came has no record; one made at an earlier closing is withdrawn
      if (existing?.status === 'valid')
        await reviseRecord(existing, { status: 'withdrawn' }, { action: 'withdrawn', at, by });
      continue;
    }
    const content: Partial<RecordContent> = {
      moduleVersion: session.moduleVersion,
      moduleCode: module.code,
      moduleTitle: module.title,
      moduleTitles: module.titleTranslations,
      hours: module.hours,
      startedOn: dates[0]!,
      endedOn,
      attendancePercent: result.attendance?.percent ?? null,
      pre: result.pre ?? null,
      post: result.post ?? null,
      result: recordResult,
      resultReasons: recordResult === 'completed' ? [] : (result.proposed?.reasons ?? []),
      changeReason: result.changeReason ?? undefined,
      issuerName: issuer.name,
      issuerCountryName: country.name,
      issuerCountryCode: country.code,
      issuerTimeZone: issuer.timeZone,
      signatories: issuer.signatories,
      expiresAt: recordResult === 'completed' ? expiryOf(endedOn, module.certificateValidityMonths) : null,
    };
    let record: CompletionRecordDocument;
    if (!existing) {
      record = await createRecord(
        {
          ...content,
          person: result.person,
          module: session.module,
          source: 'session',
          session: session._id,
          sourceKey: key,
          nameAsIssued: people.get(result.person.toHexString())?.fullName ?? '',
          gender: people.get(result.person.toHexString())?.gender ?? undefined,
          verifyCode: newVerifyCode(),
          issuingInstitution: institution._id,
          issuingCountry: country._id,
          issuedAt: at,
          status: 'valid',
          createdBy: new mongoose.Types.ObjectId(by),
        },
        { action: 'issued', at, by },
      );
      issued++;
    } else if (existing.status === 'withdrawn') {
      // closed again after reopening: what was confirmed now, under the same number and code
      record = await reviseRecord(
        existing,
        { ...content, issuedAt: at, status: 'valid', statusReason: undefined },
        { action: 'restored', at, by },
      );
    } else {
      record = existing;
    }
    if (record.result === 'completed' && record.status === 'valid') {
      await numberRecord(record, country);
      await supersedeEarlier(record, at);
    }
  }
  return { issued };
}

/** Gives a completed record its certificate number, once. */
export async function numberRecord(record: CompletionRecordDocument, country: { _id: Id; code: string }) {
  if (record.certificateNumber) return record.certificateNumber;
  const number = await claimCertificateNumber({
    country: country._id,
    countryCode: country.code,
    year: numberingYear(record.issuedAt),
    record: record._id,
  });
  await CompletionRecord.updateOne({ _id: record._id }, { $set: { certificateNumber: number } });
  record.certificateNumber = number;
  return number;
}

/** A newer completion of the same module supersedes the person's earlier valid ones. */
export async function supersedeEarlier(record: CompletionRecordDocument, at: Date) {
  const earlier = await CompletionRecord.find({ person: record.person });
  for (const other of earlier) {
    const older =
      other.endedOn < record.endedOn || (other.endedOn === record.endedOn && other.issuedAt < record.issuedAt);
    if (
      other.id !== record.id &&
      other.module.equals(record.module) &&
      other.result === 'completed' &&
      other.status === 'valid' &&
      older
    ) {
      // changed meanwhile by someone else: left as it is, and superseded by the next issue
      await reviseRecord(
        other,
        { status: 'superseded', statusReason: record.certificateNumber ?? undefined },
        { action: 'superseded', at },
      ).catch((error: unknown) => {
        if (!(error instanceof HttpError && error.status === 409)) throw error;
      });
    }
  }
}

/** On reopening: the session's valid records are withdrawn until it is closed again. */
export async function withdrawSessionRecords(sessionId: Id | string, by: Id | string, at: Date, reason: string) {
  const records = await CompletionRecord.find({ session: new mongoose.Types.ObjectId(String(sessionId)) });
  let withdrawn = 0;
  for (const record of records) {
    if (record.status !== 'valid') continue;
    await reviseRecord(record, { status: 'withdrawn', statusReason: reason }, { action: 'withdrawn', at, by, reason });
    withdrawn++;
  }
  return { withdrawn };
}

/** What closing and reopening a session do to its records (results' ClosingFollowUps). */
export const completionFollowUps: ClosingFollowUps = {
  closed: (sessionId, by, at) => issueSessionRecords(sessionId, by, at),
  reopened: (sessionId, by, at, reason) => withdrawSessionRecords(sessionId, by, at, reason),
};
