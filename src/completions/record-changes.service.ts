import { audit, fieldChanges } from '../audit/audit.ts';
import type { Actor } from '../access/actor.ts';
import { fieldError, HttpError, StaleFormError } from '../http/errors.ts';
import { countrySummary } from '../institutions/countries.service.ts';
import { moduleAsDelivered } from '../modules/module-lookups.service.ts';
import { personSummary } from '../people/people.service.ts';
import { RECORD_CONTENT_FIELDS, type CompletionRecordDocument } from './completion-record.model.ts';
import { expiryOf } from './completion-rules.ts';
import type { CorrectInput, ReasonInput } from './completions.schemas.ts';
import { getRecord } from './completions.service.ts';
import { numberRecord } from './issuing.service.ts';
import { contentOf, reviseRecord, type RecordContent } from './revisions.ts';

// The three changes a person makes to an issued record, each a new revision with who, when and
// why (decision 0015): a correction of what it says, a reissue under the person's current name,
// a revocation. The page's revision travels with the form: a form opened before someone else's
// change comes back (409) with theirs, and two changes sent at once cannot both land (the
// revision is claimed by a unique insert, revisions.ts).

const stale = () => new StaleFormError('completions:errors.stale');

/** reviseRecord, a lost race told as a stale form: the form comes back with the revision that won. */
async function revise(...args: Parameters<typeof reviseRecord>) {
  try {
    return await reviseRecord(...args);
  } catch (error) {
    if (error instanceof HttpError && error.status === 409) throw stale();
    throw error;
  }
}

function checkRevision(record: CompletionRecordDocument, revision: number | undefined) {
  if (revision !== undefined && revision !== record.revision) throw stale();
}

/**
 * Corrects what the record says. The expiry follows the last day and the result (a record that
 * is not a completion does not expire); a changed result keeps the reason beside it, as a
 * closing does. A corrected completion without a certificate number gets one. A form that
 * changes nothing saves nothing, and says so.
 */
export async function correctRecord(actor: Actor, id: string, input: CorrectInput, now = new Date()) {
  const { record } = await getRecord(actor, id, 'correct');
  checkRevision(record, input.revision);
  const { reason, revision: _revision, ...fields } = input;
  const module = await moduleAsDelivered(record.module, record.moduleVersion);
  const validity = module?.certificateValidityMonths ?? 0;
  const resultChanged = fields.result !== record.result;
  const change: Partial<RecordContent> = {
    ...fields,
    ...(resultChanged ? { resultReasons: [], changeReason: reason } : {}),
    expiresAt: fields.result === 'completed' ? expiryOf(fields.endedOn, validity) : null,
  };
  const before: Record<string, unknown> = contentOf(record.toObject());
  const after: Record<string, unknown> = { ...before, ...contentOf(change) };
  const same = (field: string) => JSON.stringify(before[field] ?? null) === JSON.stringify(after[field] ?? null);
  if (RECORD_CONTENT_FIELDS.every(same)) throw fieldError('_form', 'completions:correct.unchanged');
  await revise(record, change, { action: 'corrected', at: now, by: actor.id, reason });
  await recordAudited(actor, 'completion.correct', record, before, after, reason);
  if (record.result === 'completed' && record.status === 'valid' && !record.certificateNumber) {
    const country = await countrySummary(record.issuingCountry);
    if (country) await numberRecord(record, country);
  }
  return record;
}

/** Reissues the certificate under the person's current name (a name changed since, a lost paper). */
export async function reissueRecord(actor: Actor, id: string, input: ReasonInput, now = new Date()) {
  const { record } = await getRecord(actor, id, 'reissue');
  checkRevision(record, input.revision);
  const person = await personSummary(record.person);
  const nameAsIssued = person?.fullName ?? record.nameAsIssued;
  const before = { nameAsIssued: record.nameAsIssued };
  await revise(record, { nameAsIssued }, { action: 'reissued', at: now, by: actor.id, reason: input.reason });
  await recordAudited(actor, 'completion.reissue', record, before, { nameAsIssued }, input.reason);
  return record;
}

/** Revokes the record: the verification page then says it is not valid. It is never changed again. */
export async function revokeRecord(actor: Actor, id: string, input: ReasonInput, now = new Date()) {
  const { record } = await getRecord(actor, id, 'revoke');
  checkRevision(record, input.revision);
  const before = { status: record.status };
  await revise(
    record,
    { status: 'revoked', statusReason: input.reason },
    { action: 'revoked', at: now, by: actor.id, reason: input.reason },
  );
  await recordAudited(actor, 'completion.revoke', record, before, { status: 'revoked' }, input.reason);
  return record;
}

/** A change of a record in the audit log (decision 0019), beside its own revisions. */
export async function recordAudited(
  actor: Actor,
  action: 'completion.correct' | 'completion.reissue' | 'completion.revoke' | 'completion.enter',
  record: { _id: unknown; issuingInstitution: unknown },
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  reason: string,
): Promise<void> {
  await audit(actor, {
    action,
    subject: { collection: 'completion_records', id: record._id },
    institutions: [record.issuingInstitution],
    changes: fieldChanges(before, after),
    details: { reason },
  });
}

/** The current name of the record's person, for the reissue page. */
export async function currentNameOf(record: { person: unknown; nameAsIssued: string }) {
  return (await personSummary(record.person))?.fullName ?? record.nameAsIssued;
}
