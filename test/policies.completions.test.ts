import { expect } from 'chai';
import { completionPolicy, type CompletionRecordShape } from '../src/access/completion.policy.ts';
import { authorize } from '../src/access/policy.ts';
import { HttpError } from '../src/http/errors.ts';
import { academy, actors, elsewhere, F, kampala, oid, table, Y } from './support/policy-table.ts';

// Who may read and change a completion record (src/access/completion.policy.ts): the person
// themself, the session's trainers and the coordinators of the person's institution read it;
// admins and the coordinators of the issuing institution change it, never once it is revoked.

const record = (fields: Partial<CompletionRecordShape> = {}): CompletionRecordShape => ({
  person: oid(actors.staff),
  issuingInstitution: academy,
  personInstitution: academy,
  trainers: [{ person: oid(actors.trainer) }],
  status: 'valid',
  result: 'completed',
  ...fields,
});

describe('completion record policy', () => {
  describe("staff's own record, issued by the academy from a session the trainer taught", () => {
    //                                read correct reissue revoke downloadEvidence
    table(completionPolicy, record(), {
      admin: [Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, Y],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, Y],
      foreignStaff: 'unseen',
    });
  });

  describe("a record entered by hand at another institution for the academy's staff: the academy's coordinator reads it", () => {
    table(completionPolicy, record({ issuingInstitution: elsewhere, trainers: [] }), {
      admin: [Y, Y, Y, Y, Y],
      coordinator: [Y, F, F, F, Y],
      otherCoordinator: [Y, Y, Y, Y, Y],
      trainer: 'unseen',
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, Y],
      foreignStaff: 'unseen',
    });
  });

  describe('a record issued in Uganda: a trainer whose scope reaches there does not see it', () => {
    table(
      completionPolicy,
      record({
        person: oid(actors.foreignStaff),
        issuingInstitution: kampala,
        personInstitution: kampala,
        trainers: [],
      }),
      {
        admin: [Y, Y, Y, Y, Y],
        coordinator: 'unseen',
        otherCoordinator: 'unseen',
        trainer: 'unseen',
        otherTrainer: 'unseen',
        staff: 'unseen',
        foreignStaff: [Y, F, F, F, Y],
      },
    );
  });

  describe('a revoked record: read, never changed again', () => {
    table(completionPolicy, record({ status: 'revoked' }), {
      admin: [Y, F, F, F, Y],
      coordinator: [Y, F, F, F, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, Y],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, Y],
      foreignStaff: 'unseen',
    });
  });

  describe('a record of someone who did not complete: corrected and revoked, no certificate to reissue', () => {
    table(completionPolicy, record({ result: 'not_completed' }), {
      admin: [Y, Y, F, Y, Y],
      coordinator: [Y, Y, F, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, Y],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, Y],
      foreignStaff: 'unseen',
    });
  });

  describe('a record withdrawn while its session is reopened: revoked if need be, corrected through the session', () => {
    table(completionPolicy, record({ status: 'withdrawn' }), {
      admin: [Y, F, F, Y, Y],
      coordinator: [Y, F, F, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, Y],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, Y],
      foreignStaff: 'unseen',
    });
  });

  it('says why a record cannot be changed', () => {
    const refusal = (fields: Partial<CompletionRecordShape>, action: 'correct' | 'reissue' | 'revoke') => {
      try {
        authorize(actors.coordinator, completionPolicy, action, record(fields));
      } catch (error) {
        if (error instanceof HttpError) return `${error.status} ${error.messageKey}`;
        throw error;
      }
      return 'allowed';
    };
    expect(refusal({ status: 'revoked' }, 'correct')).to.equal('403 completions:refused.revoked');
    expect(refusal({ status: 'revoked' }, 'reissue')).to.equal('403 completions:refused.revoked');
    expect(refusal({ status: 'revoked' }, 'revoke')).to.equal('403 completions:refused.alreadyRevoked');
    expect(refusal({ status: 'withdrawn' }, 'correct')).to.equal('403 completions:refused.withdrawn');
    expect(refusal({ result: 'not_completed' }, 'reissue')).to.equal('403 completions:refused.noCertificate');
    expect(refusal({ status: 'superseded' }, 'reissue')).to.equal('403 completions:refused.superseded');
    expect(refusal({ status: 'superseded' }, 'correct')).to.equal('allowed');
    // the refusals of a record out of sight are 404, whatever its state
    expect(() => authorize(actors.otherCoordinator, completionPolicy, 'correct', record({ status: 'revoked' })))
      .to.throw(HttpError)
      .with.property('status', 404);
  });
});
