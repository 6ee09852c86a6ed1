import { canActIn, hasRole, type Actor } from './actor.ts';
import { idOf, refuse, type HexId, type Policy, type Verdict } from './policy.ts';

// Completion records (src/completions, decision 0015): what a person completed, kept as issued.
// - Seeing a record (its page, its history, its evidence): the person themself; admins;
//   coordinators with the issuing institution or the person's own institution in their scope;
//   the trainers of the session it was made from. Anyone else is told it does not exist (404):
//   a record says who trained in what, and a staff member fetches their own only.
// - Changing it (correcting, reissuing with the person's current name, revoking) and entering
//   one by hand: admins, and coordinators with the issuing institution in their scope. A
//   coordinator who only sees the record through the person's institution reads it.
// - A revoked record is never changed again, and says so (403 with the reason); a record whose
//   session was reopened (withdrawn) is corrected through the session's results and closing,
//   not here. Only a valid completed record is reissued: it is the one with a certificate.

export type CompletionRecordShape = {
  person: HexId;
  issuingInstitution: HexId;
  /** the person's institution now (their coordinators read their records) */
  personInstitution?: HexId | null;
  /** the trainers of the session the record was made from; none for a record entered by hand */
  trainers?: readonly { person: HexId }[];
  status: string;
  result: string;
};

/** Admins and coordinators keep completion records at all (the list, entering one by hand). */
export function keepsCompletionRecords(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

/** Whether the actor may issue records in this institution's name (admins anywhere, coordinators in scope). */
export function issuesFor(actor: Actor, institutionId: string | undefined): boolean {
  if (hasRole(actor, 'admin')) return true;
  return hasRole(actor, 'coordinator') && canActIn(actor, institutionId);
}

const own = (actor: Actor, record: CompletionRecordShape) => record.person.toHexString() === actor.id;
const taught = (actor: Actor, record: CompletionRecordShape) =>
  (record.trainers ?? []).some((t) => t.person.toHexString() === actor.id);
const manages = (actor: Actor, record: CompletionRecordShape) =>
  issuesFor(actor, record.issuingInstitution.toHexString());

function reads(actor: Actor, record: CompletionRecordShape): boolean {
  if (own(actor, record) || taught(actor, record) || manages(actor, record)) return true;
  return hasRole(actor, 'coordinator') && !!record.personInstitution && canActIn(actor, idOf(record.personInstitution));
}

/** A change of what the record says: not once revoked, not while its session is reopened. */
function changes(actor: Actor, record: CompletionRecordShape): Verdict {
  if (!manages(actor, record)) return false;
  if (record.status === 'revoked') return refuse('completions:refused.revoked');
  if (record.status === 'withdrawn') return refuse('completions:refused.withdrawn');
  return true;
}

export const completionPolicy = {
  read: reads,
  correct: changes,
  reissue: (actor, record) => {
    const verdict = changes(actor, record);
    if (verdict !== true) return verdict;
    if (record.result !== 'completed') return refuse('completions:refused.noCertificate');
    return record.status === 'superseded' ? refuse('completions:refused.superseded') : true;
  },
  revoke: (actor, record) => {
    if (!manages(actor, record)) return false;
    return record.status === 'revoked' ? refuse('completions:refused.alreadyRevoked') : true;
  },
  downloadEvidence: reads,
} satisfies Policy<CompletionRecordShape>;
