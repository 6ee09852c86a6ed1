import mongoose from 'mongoose';
import { hasRole, type Actor } from '../access/actor.ts';
import { keepsCompletionRecords } from '../access/completion.policy.ts';
import { findAfterAcross } from '../db/find-after.ts';
import { forbidden } from '../http/errors.ts';
import { listCountryOptions } from '../institutions/countries.service.ts';
import { institutionSummaries } from '../institutions/institutions.service.ts';
import { CompletionRecord, type CompletionRecordFields, type RecordResult } from './completion-record.model.ts';
import { statusAt, type RecordStatus } from './completion-rules.ts';
import { getRecord, statusConditions } from './completions.service.ts';
import type { StatusFilter } from './completions.schemas.ts';

// Completion records read for an export (reports' exports, decision 0019): every record of the
// actor's scope that the filter keeps, streamed from database cursors, never held together.
// Like the list (completions.service.ts), each query has a top-level equality with its index
// (decision 0005): the issuing institution (a coordinator's, one at a time, or the one chosen),
// else each module asked for, else each issuing country. No sort: a sort of a million records
// is done in memory by FerretDB; records come as stored, an institution or module at a time.

type Id = mongoose.Types.ObjectId;

export type ExportedRecord = Pick<
  CompletionRecordFields,
  | 'person'
  | 'module'
  | 'session'
  | 'issuingInstitution'
  | 'nameAsIssued'
  | 'gender'
  | 'moduleCode'
  | 'moduleTitle'
  | 'hours'
  | 'startedOn'
  | 'endedOn'
  | 'attendancePercent'
  | 'pre'
  | 'post'
  | 'result'
  | 'certificateNumber'
  | 'issuerName'
  | 'issuerCountryCode'
  | 'issuedAt'
  | 'expiresAt'
  | 'source'
> & { _id: Id; shownStatus: RecordStatus };

const FIELDS =
  'person module session issuingInstitution nameAsIssued gender moduleCode moduleTitle hours startedOn endedOn attendancePercent pre post result ' +
  'certificateNumber issuerName issuerCountryCode issuedAt expiresAt source status';

export type RecordExportQuery = {
  /** the training's last day, from and to (YYYY-MM-DD, both included) */
  endedFrom?: string;
  endedTo?: string;
  country?: string;
  institution?: string;
  /** any of these modules (a curriculum's, or one) */
  modules?: readonly string[];
  result?: RecordResult;
  status?: StatusFilter;
  /** the gender as issued */
  gender?: string;
};

const oid = (id: string) => new mongoose.Types.ObjectId(id);

/**
 * The records the actor may export that the query keeps, a cursor at a time. Admins export
 * every record; coordinators those issued in their scope (as their list shows).
 */
export async function* recordsForExport(
  actor: Actor,
  query: RecordExportQuery,
  now = new Date(),
): AsyncGenerator<ExportedRecord> {
  if (!keepsCompletionRecords(actor)) throw forbidden();
  if (query.modules?.length === 0) return; // a curriculum without the module asked for
  const conditions = conditionsOf(query, now);
  for (const leading of await leadingEqualities(actor, query)) {
    const cursor = CompletionRecord.find({ ...conditions, ...leading }, FIELDS)
      .lean<(ExportedRecord & { status: CompletionRecordFields['status'] })[]>()
      .cursor({ batchSize: 1000 });
    for await (const record of cursor) {
      // the row the driver made, given its status: no copy a record (a million make garbage)
      yield Object.assign(record, { shownStatus: statusAt(record, now) });
    }
  }
}

/**
 * The first `limit` records the export would hold after the record `after`, in the order of
 * their ids: the API's pages (decision 0022), with the export's scope and filters.
 */
export async function recordsAfter(
  actor: Actor,
  query: RecordExportQuery,
  after: Id | undefined,
  limit: number,
  now = new Date(),
): Promise<ExportedRecord[]> {
  if (!keepsCompletionRecords(actor)) throw forbidden();
  if (query.modules?.length === 0) return [];
  const leading = await leadingEqualities(actor, query);
  const records = await findAfterAcross<ExportedRecord & { status: CompletionRecordFields['status'] }>(
    CompletionRecord,
    leading,
    conditionsOf(query, now),
    after,
    limit,
    FIELDS,
  );
  return records.map((record) => ({ ...record, shownStatus: statusAt(record, now) }));
}

/** One record as the export holds it, when the actor may read it (else 404 or 403, as its page). */
export async function exportedRecord(actor: Actor, id: string, now = new Date()): Promise<ExportedRecord> {
  const { record } = await getRecord(actor, id);
  const fields = record.toObject();
  return { ...fields, shownStatus: statusAt(fields, now) };
}

function conditionsOf(query: RecordExportQuery, now: Date): Record<string, unknown> {
  const conditions: Record<string, unknown> = query.status ? statusConditions(query.status, now) : {};
  if (query.result) conditions.result = query.result;
  if (query.gender) conditions.gender = query.gender;
  if (query.modules?.length === 1) conditions.module = oid(query.modules[0]!);
  else if (query.modules) conditions.module = mongoose.trusted({ $in: query.modules.map(oid) });
  if (query.endedFrom || query.endedTo) {
    conditions.endedOn = mongoose.trusted({
      ...(query.endedFrom ? { $gte: query.endedFrom } : {}),
      ...(query.endedTo ? { $lte: query.endedTo } : {}),
    });
  }
  return conditions;
}

/** One top-level equality a query: what each of the export's queries is narrowed by. */
async function leadingEqualities(actor: Actor, query: RecordExportQuery): Promise<Record<string, Id>[]> {
  const admin = hasRole(actor, 'admin');
  if (!admin || query.institution || query.country) {
    const scope = admin ? undefined : new Set(actor.scopeInstitutionIds);
    let institutions = query.institution ? [query.institution] : admin ? [] : [...scope!];
    if (scope) institutions = institutions.filter((id) => scope.has(id));
    if (query.country) {
      if (!query.institution && admin) return [{ issuingCountry: oid(query.country) }];
      const summaries = await institutionSummaries(institutions);
      institutions = summaries.filter((i) => i.country.toHexString() === query.country).map((i) => i._id.toHexString());
    }
    return institutions.map((id) => ({ issuingInstitution: oid(id) }));
  }
  if (query.modules?.length) return query.modules.map((id) => ({ module: oid(id) }));
  return (await listCountryOptions()).map((country) => ({ issuingCountry: country._id }));
}
