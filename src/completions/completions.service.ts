import mongoose from 'mongoose';
import { chosenWithin, hasRole, type Actor } from '../access/actor.ts';
import { completionPolicy, keepsCompletionRecords, type CompletionRecordShape } from '../access/completion.policy.ts';
import { authorize, permissions, type ActionOf } from '../access/policy.ts';
import { findPage, findPageAcross } from '../db/find-page.ts';
import { findByIdOr404 } from '../db/object-id.ts';
import type { Page } from '../db/pagination.ts';
import { containsPattern } from '../db/query.ts';
import { forbidden } from '../http/errors.ts';
import { listCountryOptions } from '../institutions/countries.service.ts';
import { institutionSummary, listInstitutionOptions } from '../institutions/institutions.service.ts';
import { moduleChoices } from '../modules/module-lookups.service.ts';
import { personNames, personSummary } from '../people/people.service.ts';
import { sessionsByIds } from '../sessions/session-queries.service.ts';
import { getSession } from '../sessions/sessions.service.ts';
import { CompletionRecord, type CompletionRecordFields } from './completion-record.model.ts';
import { statusAt, type RecordStatus } from './completion-rules.ts';
import type { ListFilter, StatusFilter } from './completions.schemas.ts';
import { changesBetween } from './revision-changes.ts';
import { revisionsOf } from './revisions.ts';

// Completion records as people read them: the list (admins and coordinators, or a session's
// records for whoever reads its results) and one record with its whole history. Who may see
// and change a record is the completion policy's (src/access/completion.policy.ts).
//
// Every list query has a top-level equality on its narrowest field (decision 0005) and an index
// (decision 0010): the session; else a coordinator's issuing institutions one at a time, merged
// (findPageAcross); an administrator's chosen institution or module, else their countries one at
// a time. A certificate number is an equality of its own. A list shows the records issued in the
// actor's scope; a coordinator also reads, record by record, those of their people issued
// elsewhere (transcripts list a person's records).

type Id = mongoose.Types.ObjectId;
export type RecordRow = CompletionRecordFields & { _id: Id };
export { RECORD_RESULTS, type RecordResult } from './completion-record.model.ts';
export { STATUS_FILTERS, type StatusFilter } from './completions.schemas.ts';
export type CompletionAction = ActionOf<typeof completionPolicy>;

const oid = (id: string) => new mongoose.Types.ObjectId(id);
/** KZ-2026-000123: searched by equality, never by pattern */
const CERTIFICATE_NUMBER = /^[A-Za-z]{2,3}-\d{4}-\d{6}$/;
const LIST_FIELDS =
  'nameAsIssued module moduleCode moduleTitle certificateNumber issuerName issuingInstitution session endedOn issuedAt expiresAt status result';
const DAY_MS = 24 * 3_600_000;

export type RecordListRow = Pick<
  RecordRow,
  | '_id'
  | 'nameAsIssued'
  | 'module'
  | 'moduleCode'
  | 'moduleTitle'
  | 'certificateNumber'
  | 'issuerName'
  | 'endedOn'
  | 'issuedAt'
  | 'expiresAt'
  | 'result'
> & { shownStatus: RecordStatus };

/** The filter's conditions besides the list's leading equality. */
function conditionsOf(filter: ListFilter, now: Date): Record<string, unknown> {
  const conditions: Record<string, unknown> = {};
  if (filter.module) conditions.module = oid(filter.module);
  if (filter.q) conditions.nameAsIssued = containsPattern(filter.q);
  if (filter.expiring) {
    // valid, and expiring after now but within the days asked: soonest first
    conditions.status = 'valid';
    conditions.expiresAt = mongoose.trusted({ $gt: now, $lte: new Date(now.getTime() + filter.expiring * DAY_MS) });
    return conditions;
  }
  return filter.status ? { ...conditions, ...statusConditions(filter.status, now) } : conditions;
}

/** What a record's status as shown now (statusAt) is, as a query's conditions. */
export function statusConditions(status: StatusFilter, now: Date): Record<string, unknown> {
  switch (status) {
    case 'valid':
      return { status: 'valid', $or: [{ expiresAt: null }, { expiresAt: mongoose.trusted({ $gt: now }) }] };
    case 'expired':
      return { status: 'valid', expiresAt: mongoose.trusted({ $lte: now }) };
    default:
      return { status };
  }
}

/**
 * One page of the records the actor may list, with the filter's conditions. A session's records
 * are listed by name for whoever reads the session's results (its trainers too); every other
 * list is for admins and coordinators, newest issue first, or soonest expiry first when asked
 * what expires within some days.
 */
export async function listRecords(actor: Actor, filter: ListFilter, now = new Date()) {
  const session = filter.session ? await getSession(actor, filter.session, 'readRoster') : undefined;
  if (!session && !keepsCompletionRecords(actor)) throw forbidden();
  const conditions = conditionsOf(filter, now);
  const sort: Record<string, 1 | -1> = session
    ? { nameAsIssued: 1 }
    : filter.expiring
      ? { expiresAt: 1 }
      : { issuedAt: -1 };
  const options = { sort, projection: LIST_FIELDS };
  let page: Page<RecordRow>;
  if (filter.q && CERTIFICATE_NUMBER.test(filter.q)) {
    page = await byCertificateNumber(actor, filter.q.toUpperCase(), session?._id);
  } else if (session) {
    page = await findPage<RecordRow>(CompletionRecord, { ...conditions, session: session._id }, filter.page, options);
  } else if (hasRole(actor, 'admin')) {
    if (filter.institution) {
      const query = { ...conditions, issuingInstitution: oid(filter.institution) };
      page = await findPage<RecordRow>(CompletionRecord, query, filter.page, options);
    } else if (filter.module) {
      page = await findPage<RecordRow>(CompletionRecord, conditions, filter.page, options);
    } else {
      // every record: a country at a time (a handful), each an equality with its index
      const countries = (await listCountryOptions()).map((c) => c._id);
      page = await findPageAcross<RecordRow>(
        CompletionRecord,
        'issuingCountry',
        countries,
        conditions,
        filter.page,
        options,
      );
    }
  } else {
    const scope = actor.scopeInstitutionIds;
    const institutions = chosenWithin(scope, filter.institution)!;
    page = await findPageAcross<RecordRow>(
      CompletionRecord,
      'issuingInstitution',
      institutions.map(oid),
      conditions,
      filter.page,
      options,
    );
  }
  const items: RecordListRow[] = page.items.map((r) => ({ ...r, shownStatus: statusAt(r, now) }));
  return { page: { ...page, items }, session };
}

/** The record with this number, if the actor lists it (in their scope, or of the session asked about). */
async function byCertificateNumber(actor: Actor, number: string, session?: Id): Promise<Page<RecordRow>> {
  const found = await CompletionRecord.find({ certificateNumber: number }, LIST_FIELDS).lean<RecordRow[]>();
  const listed = found.filter((r) =>
    session
      ? r.session?.equals(session)
      : hasRole(actor, 'admin') || actor.scopeInstitutionIds.includes(r.issuingInstitution.toHexString()),
  );
  return { items: listed, page: 1, pageCount: 1, total: listed.length };
}

/** What the list's filters offer: the institutions in scope (deactivated too) and the modules the actor sees. */
export async function listOptions(actor: Actor) {
  const countries = hasRole(actor, 'admin')
    ? (await listCountryOptions()).map((c) => c._id)
    : [actor.countryId].filter((id) => id !== undefined).map(oid);
  const [institutions, modules] = await Promise.all([
    listInstitutionOptions(actor, { includeInactive: true }),
    moduleChoices(actor, { excluding: [], statuses: ['published', 'archived'], countries: [null, ...countries] }),
  ]);
  return { institutions, modules };
}

/** What the policy weighs: the person's institution now, and the trainers of the session delivered. */
async function shapeOf(
  record: Pick<RecordRow, 'person' | 'issuingInstitution' | 'session' | 'status' | 'result'>,
): Promise<CompletionRecordShape> {
  const [person, sessions] = await Promise.all([
    personSummary(record.person),
    record.session ? sessionsByIds([record.session]) : Promise.resolve([]),
  ]);
  return {
    person: record.person,
    issuingInstitution: record.issuingInstitution,
    personInstitution: person?.institution ?? null,
    trainers: sessions[0]?.trainers ?? [],
    status: record.status,
    result: record.result,
  };
}

/** The record, if the actor may do this to it: 404 when they may not see it, 403 when they may only see it. */
export async function getRecord(actor: Actor, id: string, action: CompletionAction = 'read') {
  const record = await findByIdOr404(CompletionRecord, id);
  const shape = await shapeOf(record);
  authorize(actor, completionPolicy, action, shape);
  return { record, shape };
}

/** A record's page: every field, its status now, what the actor may do, and its history with who, when, why and what changed. */
export async function recordPage(actor: Actor, id: string, now = new Date()) {
  const { record, shape } = await getRecord(actor, id);
  const [revisions, issuer] = await Promise.all([
    revisionsOf(record._id),
    institutionSummary(record.issuingInstitution),
  ]);
  const names = await personNames(revisions.flatMap((r) => r.by ?? []));
  const history = revisions.map((r, i) => ({
    revision: r.revision,
    action: r.action,
    at: r.at,
    byName: r.by ? (names.get(r.by.toHexString()) ?? '') : undefined,
    reason: r.reason,
    changes: changesBetween(revisions[i - 1]?.content as Record<string, unknown> | undefined, r.content),
  }));
  return {
    record: record.toObject() as RecordRow,
    status: statusAt(record, now),
    may: permissions(actor, completionPolicy, shape),
    timeZone: issuer?.timeZone ?? 'UTC',
    history,
  };
}
export type RecordPage = Awaited<ReturnType<typeof recordPage>>;
