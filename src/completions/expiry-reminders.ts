import mongoose from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { moduleSummaries } from '../modules/module-lookups.service.ts';
import { notify } from '../notices/notices.service.ts';
import { activeCoordinators, personSummaries, type PersonSummary } from '../people/people.service.ts';
import { CompletionRecord } from './completion-record.model.ts';
import { ExpiryNotice } from './expiry-notice.model.ts';
import {
  CATCH_UP_DAYS,
  daysLeft,
  expiryStageAt,
  expiryWindow,
  stagesBefore,
  type ExpiryStage,
} from './expiry-stages.ts';

// Expiry reminders (decision 0015): the holder of a valid certificate and the coordinators of
// its issuing institution (and of the holder's own, if another) are told 90 and 30 days before
// it expires and on the day, each stage once per record, however often this runs and by however
// many processes. A record first seen late gets only the most urgent stage it reached.

type Id = mongoose.Types.ObjectId;

const FIELDS = 'person module moduleTitle moduleTitles certificateNumber issuingInstitution expiresAt status result';
type WindowRecord = {
  _id: Id;
  person: Id;
  module: Id;
  moduleTitle: string;
  moduleTitles?: { language: string; title: string }[];
  certificateNumber?: string;
  issuingInstitution: Id;
  expiresAt: Date;
  status: string;
  result: string;
};
type Due = { record: WindowRecord; stage: ExpiryStage };

export type ExpirySummary = {
  /** valid certificates expiring within 90 days, or expired within the catch-up window */
  records: number;
  /** records whose notices went out in this run, by stage */
  sent: Record<ExpiryStage, number>;
  /** notices sent: holders and coordinators */
  people: number;
};

/**
 * Claims a stage of a record's expiry; false when another run has it. The stages passed over
 * are claimed too, unsent, so none of them is ever sent after a more urgent one.
 */
async function claim({ record, stage }: Due): Promise<boolean> {
  const key = { record: record._id, expiresAt: record.expiresAt };
  try {
    await ExpiryNotice.create({ ...key, stage, sent: true });
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  for (const earlier of stagesBefore(stage)) {
    await ExpiryNotice.create({ ...key, stage: earlier, sent: false }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }
  return true;
}

/** The records, of every status, expiring within 90 days or expired within the catch-up window. */
function recordsInWindow(now: Date): Promise<WindowRecord[]> {
  const { after, until } = expiryWindow(now);
  // One range query a run, served by { expiresAt: 1 } on MongoDB. FerretDB hands no range to
  // PostgreSQL (decision 0005), so there it decodes every completion record (about 2.5 s for
  // 5,000, decision 0015): acceptable for a timer that runs hourly, not for a page. Status and result are checked here, not in the
  // filter: an equality on them would be pushed down but narrow little (most records are
  // valid and completed), and on MongoDB the index would have to lead with a flag.
  return CompletionRecord.find({ expiresAt: mongoose.trusted({ $gt: after, $lte: until }) }, FIELDS).lean<
    WindowRecord[]
  >();
}

/** Coordinator ids by institution (hex): their own institution and those of their scope. */
function coordinatorsByInstitution(coordinators: PersonSummary[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const coordinator of coordinators) {
    const institutions = new Set(
      [coordinator.institution, ...coordinator.scopeInstitutions].filter(Boolean).map((id) => id!.toHexString()),
    );
    for (const id of institutions) by.set(id, [...(by.get(id) ?? []), coordinator._id.toHexString()]);
  }
  return by;
}

/** Sends the expiry reminders due at `now`; safe to run as often as wanted, by two processes at once. */
export async function sendExpiryReminders(now = new Date()): Promise<ExpirySummary> {
  await ExpiryNotice.init(); // the unique index must exist before the first claim
  const summary: ExpirySummary = { records: 0, sent: { 90: 0, 30: 0, 0: 0 }, people: 0 };
  const due: Due[] = [];
  for (const record of await recordsInWindow(now)) {
    if (record.status !== 'valid' || record.result !== 'completed') continue;
    summary.records++;
    const stage = expiryStageAt(record.expiresAt, now);
    if (stage !== null) due.push({ record, stage });
  }
  const claimed: Due[] = [];
  for (const item of due) if (await claim(item)) claimed.push(item);
  if (claimed.length === 0) return summary;

  const lookups = await lookupsFor(claimed);
  // claimed already: each record is told even when another's notices fail, and the first failure
  // is thrown at the end (the job logs it; the claims keep those notices from being repeated)
  let failure: unknown;
  for (const { record, stage } of claimed) {
    try {
      const people = await tell(record, stage, lookups, now);
      summary.sent[stage] += people > 0 ? 1 : 0;
      summary.people += people;
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return summary;
}

type Lookups = {
  holders: Map<string, PersonSummary>;
  coordinatorsOf: Map<string, string[]>;
  /** modules the catalogue offers (published) */
  inCatalogue: Set<string>;
};

async function lookupsFor(claimed: Due[]): Promise<Lookups> {
  const [holders, coordinators, modules] = await Promise.all([
    personSummaries(claimed.map(({ record }) => record.person)),
    activeCoordinators(),
    moduleSummaries(claimed.map(({ record }) => record.module)),
  ]);
  return {
    holders: new Map(holders.map((p) => [p._id.toHexString(), p])),
    coordinatorsOf: coordinatorsByInstitution(coordinators),
    inCatalogue: new Set(modules.filter((m) => m.status === 'published').map((m) => m._id.toHexString())),
  };
}

/** Tells a record's holder and coordinators that it reached a stage; says how many were told. */
async function tell(record: WindowRecord, stage: ExpiryStage, lookups: Lookups, now: Date): Promise<number> {
  const holder = lookups.holders.get(record.person.toHexString());
  // someone who has left the service (deactivated) is not asked to recertify, nor are their coordinators
  if (!holder?.active) return 0;
  const holderId = holder._id.toHexString();
  const told = new Set([
    ...(lookups.coordinatorsOf.get(record.issuingInstitution.toHexString()) ?? []),
    ...(holder.institution ? (lookups.coordinatorsOf.get(holder.institution.toHexString()) ?? []) : []),
  ]);
  told.delete(holderId); // a coordinator's own certificate: told once, as its holder
  const kind = stage === 0 ? 'completion.expired' : 'completion.expiring';
  const params = noticeParams(record, now, lookups.inCatalogue.has(record.module.toHexString()));
  await notify({ people: [holderId], kind, params });
  if (told.size > 0) await notify({ people: [...told], kind, params: { ...params, holder: holder.fullName } });
  return 1 + told.size;
}

/**
 * What the notice says, worded when read (notice-text.ts): the title as issued (in each
 * language it was issued in), the certificate number, the day it expires (the expiry is the
 * start of that day, UTC), the days left, and the module to recertify through when the
 * catalogue offers it.
 */
function noticeParams(record: WindowRecord, now: Date, inCatalogue: boolean): Record<string, string> {
  const params: Record<string, string> = {
    module: record.moduleTitle,
    certificate: record.certificateNumber ?? '',
    expiresOn: record.expiresAt.toISOString().slice(0, 10),
    days: String(daysLeft(record.expiresAt, now)),
  };
  for (const { language, title } of record.moduleTitles ?? []) params[`module_${language}`] = title;
  if (inCatalogue) params.moduleId = record.module.toHexString();
  return params;
}

/** What `npm run notices:expiry` prints. */
export function expirySummaryLine(summary: ExpirySummary): string {
  const { 90: early, 30: late, 0: expired } = summary.sent;
  return (
    `Expiry reminders: ${early + late + expired} certificates reached a stage ` +
    `(90 days: ${early}, 30 days: ${late}, expired: ${expired}), ${summary.people} people told; ` +
    `${summary.records} valid certificates expire within 90 days or expired in the last ${CATCH_UP_DAYS} days.`
  );
}
