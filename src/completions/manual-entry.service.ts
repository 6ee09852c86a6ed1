import { recordAudited } from './record-changes.service.ts';
import mongoose from 'mongoose';
import { institutionScope, type Actor } from '../access/actor.ts';
import { issuesFor, keepsCompletionRecords } from '../access/completion.policy.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { personPolicy } from '../access/person.policy.ts';
import { can } from '../access/policy.ts';
import { FieldValidationError, forbidden, type FieldErrors } from '../http/errors.ts';
import { countrySummary } from '../institutions/countries.service.ts';
import { institutionSummary, listInstitutionOptions } from '../institutions/institutions.service.ts';
import { moduleAsDelivered, moduleSummary, schedulableModules } from '../modules/module-lookups.service.ts';
import { personSummary, searchActivePeople } from '../people/people.service.ts';
import { checkFiles, discardStored, storeFiles } from '../storage/checked-files.ts';
import type { FileStorage } from '../storage/file-storage.ts';
import { UploadRefusal, type UploadedFile } from '../storage/upload.ts';
import { expiryOf } from './completion-rules.ts';
import type { ManualInput } from './completions.schemas.ts';
import { numberRecord, supersedeEarlier } from './issuing.service.ts';
import { createRecord } from './revisions.ts';
import { newVerifyCode } from './verify-codes.ts';

// A completion entered by hand, for training held elsewhere or before Cadre (issue 13, item
// 1): by an admin, or a coordinator in the name of an institution they act for, for a person
// they see, in a published module they see; always a completion, always with a reason and the
// evidence (a certificate or attendance list, scanned or photographed: PDF, JPEG or PNG, checked
// by content, src/storage). The evidence is stored first, then the record with its first
// revision (keyed `manual:<_id>`), then its certificate number; a failure after the file is
// stored takes the file back.

export const EVIDENCE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
export const EVIDENCE_EXTENSIONS = '.pdf,.jpg,.jpeg,.png';
export const EVIDENCE_FIELD = 'evidence';
/** a scanned certificate or list is a few megabytes; never more than the site's upload limit */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
/** how many people the person picker lists at most */
export const PICKER_SIZE = 50;

/** Admins and coordinators may enter records by hand at all; refused before an upload is read. */
export function mayEnterRecords(actor: Actor): void {
  if (!keepsCompletionRecords(actor)) throw forbidden();
}

/**
 * What the form offers: the institutions the actor issues for, the published modules they see,
 * and the people found by name or service number (search-tokens, as the roster's picker); with
 * nothing searched, the people of the actor's own institution. The person chosen before a
 * refusal stays on offer.
 */
export async function manualEntryOptions(actor: Actor, search: { q?: string; chosen?: unknown }) {
  mayEnterRecords(actor);
  const own = institutionScope(actor) === undefined ? undefined : actor.institutionId;
  const [institutions, modules, found, chosen] = await Promise.all([
    listInstitutionOptions(actor),
    schedulableModules(actor),
    search.q || own
      ? searchActivePeople({
          institutions: search.q ? institutionScope(actor) : [own!],
          words: search.q,
          limit: PICKER_SIZE + 1,
        })
      : Promise.resolve([]),
    search.chosen ? personSummary(search.chosen) : Promise.resolve(null),
  ]);
  const people = found.slice(0, PICKER_SIZE).filter((p) => can(actor, personPolicy, 'read', p));
  if (chosen && can(actor, personPolicy, 'read', chosen) && !people.some((p) => p._id.equals(chosen._id)))
    people.unshift(chosen);
  return { institutions, modules, people, morePeople: found.length > PICKER_SIZE, searched: !!search.q };
}

/** The person, module and institution chosen, each one the actor may use; a field error for each that is not. */
async function choices(actor: Actor, input: ManualInput) {
  const [person, module, institution] = await Promise.all([
    personSummary(input.person),
    moduleSummary(input.module),
    institutionSummary(input.institution),
  ]);
  const errors: FieldErrors = {};
  if (!person || !can(actor, personPolicy, 'read', person)) errors.person = { key: 'completions:manual.choosePerson' };
  if (!module || module.status !== 'published' || !can(actor, modulePolicy, 'read', module))
    errors.module = { key: 'completions:manual.chooseModule' };
  if (!institution || !institution.active || !issuesFor(actor, institution._id.toHexString()))
    errors.institution = { key: 'completions:manual.chooseInstitution' };
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return { person: person!, module: module!, institution: institution! };
}

/** Checks the evidence: one file, a PDF or a photograph by its content. */
async function checkedEvidence(files: UploadedFile[]) {
  if (files.length === 0)
    throw new UploadRefusal(422, { [EVIDENCE_FIELD]: { key: 'completions:manual.evidenceNeeded' } });
  const [file] = await checkFiles(files, EVIDENCE_FIELD);
  if (!file || !EVIDENCE_TYPES.includes(file.mimeType)) {
    throw new UploadRefusal(422, {
      [EVIDENCE_FIELD]: { key: 'completions:manual.evidenceType', params: { name: file?.originalName ?? '' } },
    });
  }
  return file;
}

/** Enters a completion by hand; returns the record, numbered. */
export async function enterRecord(
  storage: FileStorage,
  actor: Actor,
  input: ManualInput,
  files: UploadedFile[],
  now = new Date(),
) {
  mayEnterRecords(actor);
  const { person, module, institution } = await choices(actor, input);
  const file = await checkedEvidence(files);
  const [country, delivered] = await Promise.all([
    countrySummary(institution.country),
    moduleAsDelivered(module._id, module.version),
  ]);
  if (!country || !delivered) throw new Error(`institution ${institution._id.toHexString()} or its module is gone`);
  const [stored] = await storeFiles(storage, [file]);
  const _id = new mongoose.Types.ObjectId();
  let record;
  try {
    record = await createRecord(
      {
        _id,
        person: person._id,
        module: module._id,
        moduleVersion: module.version,
        source: 'manual',
        sourceKey: `manual:${_id.toHexString()}`,
        nameAsIssued: person.fullName,
        moduleCode: delivered.code,
        moduleTitle: delivered.title,
        hours: input.hours ?? delivered.hours,
        startedOn: input.startedOn,
        endedOn: input.endedOn,
        result: 'completed',
        verifyCode: newVerifyCode(),
        issuingInstitution: institution._id,
        issuingCountry: country._id,
        issuerName: institution.name,
        issuerCountryName: country.name,
        issuedAt: now,
        expiresAt: expiryOf(input.endedOn, delivered.certificateValidityMonths),
        status: 'valid',
        evidence: {
          storedName: stored!.storageKey,
          originalName: stored!.originalName,
          mimeType: stored!.mimeType,
          size: stored!.size,
          sha256: stored!.sha256,
        },
        manualReason: input.reason,
        createdBy: new mongoose.Types.ObjectId(actor.id),
      },
      { action: 'issued', at: now, by: actor.id, reason: input.reason },
    );
  } catch (error) {
    await discardStored(storage, [stored!]);
    throw error;
  }
  // the record exists with its evidence: a number claimed later (numberRecord) finishes it
  await numberRecord(record, country);
  await supersedeEarlier(record, now);
  await recordAudited(
    actor,
    'completion.enter',
    record,
    {},
    { nameAsIssued: record.nameAsIssued, moduleCode: record.moduleCode, endedOn: record.endedOn, hours: record.hours },
    input.reason,
  );
  return record;
}
