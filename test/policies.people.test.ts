import { expect } from 'chai';
import type { Actor, Role } from '../src/access/actor.ts';
import { countryPolicy, institutionPolicy } from '../src/access/institution.policy.ts';
import { assignableRoles, personPolicy, type PersonRecord } from '../src/access/person.policy.ts';
import { authorize, can } from '../src/access/policy.ts';
import { HttpError } from '../src/http/errors.ts';
import {
  academy,
  actors,
  elsewhere,
  F,
  id,
  kampala,
  kz,
  oid,
  partner,
  table,
  Y,
  type Id,
} from './support/policy-table.ts';

// Who may do what to people, institutions and countries: a table per record
// (test/support/policy-table.ts), a row per actor, a column per action of the policy.

describe('person policy', () => {
  const person = (who: Actor, roles: Role[], at: Id | null): PersonRecord => ({
    _id: oid(who),
    institution: at,
    roles,
    active: true,
    email: who.email,
  });
  describe('the trainer of the academy', () => {
    // read update activate deactivate issuePasswordLink assignRoles recordQualifications readTrainerRecord readTranscript
    table(personPolicy, person(actors.trainer, ['trainer'], academy), {
      admin: [Y, Y, Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y, Y, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, F, F, F, Y, Y],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, F, F, F, F, F],
      foreignStaff: 'unseen',
    });
  });
  describe("the academy's coordinator: a coordinator changes staff and trainers only", () => {
    table(personPolicy, person(actors.coordinator, ['coordinator'], academy), {
      admin: [Y, Y, Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, F, F, F, F, F, Y, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, F, F, F, F, F],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, F, F, F, F, F],
      foreignStaff: 'unseen',
    });
  });
  describe('staff in Uganda', () => {
    table(personPolicy, person(actors.foreignStaff, ['staff'], kampala), {
      admin: [Y, Y, Y, Y, Y, Y, Y, Y, Y],
      coordinator: 'unseen',
      otherCoordinator: 'unseen',
      trainer: 'unseen',
      otherTrainer: [Y, F, F, F, F, F, F, F, F],
      staff: 'unseen',
      foreignStaff: [Y, F, F, F, F, F, F, Y, Y],
    });
  });
  it('nobody deactivates themself, and is told so', () => {
    expect(() => authorize(actors.admin, personPolicy, 'deactivate', person(actors.admin, ['admin'], null)))
      .to.throw(HttpError)
      .with.property('messageKey', 'people:deactivate.self');
  });
  it('a password link is for an active person with an email address, and the refusal says which is missing', () => {
    const staff = person(actors.staff, ['staff'], academy);
    const refusal = (record: PersonRecord) => {
      try {
        authorize(actors.coordinator, personPolicy, 'issuePasswordLink', record);
        return undefined;
      } catch (error) {
        return error instanceof HttpError ? `${error.status} ${error.messageKey}` : error;
      }
    };
    expect(refusal(staff)).to.equal(undefined);
    expect(refusal({ ...staff, active: false })).to.equal('403 people:reset.inactive');
    expect(refusal({ ...staff, email: null })).to.equal('403 people:reset.noEmail');
  });
  it('a coordinator gives staff and trainer roles only, in their scope; an admin any role anywhere', () => {
    expect(assignableRoles(actors.coordinator)).to.deep.equal(['staff', 'trainer']);
    expect(assignableRoles(actors.admin)).to.include.members(['admin', 'coordinator', 'trainer', 'staff']);
    const newcomer = (roles: Role[], at: Id) => ({ _id: id(), institution: at, roles });
    expect(can(actors.coordinator, personPolicy, 'assignRoles', newcomer(['trainer', 'staff'], partner))).to.equal(
      true,
    );
    expect(can(actors.coordinator, personPolicy, 'assignRoles', newcomer(['coordinator'], partner))).to.equal(false);
    expect(can(actors.coordinator, personPolicy, 'assignRoles', newcomer(['staff'], elsewhere))).to.equal(false);
    expect(can(actors.admin, personPolicy, 'assignRoles', newcomer(['admin'], kampala))).to.equal(true);
  });
});

describe('institution and country policies', () => {
  describe('the academy', () => {
    table(
      institutionPolicy,
      { _id: academy },
      {
        admin: [Y, Y],
        coordinator: [Y, F],
        otherCoordinator: 'unseen',
        trainer: [Y, F],
        otherTrainer: 'unseen',
        staff: [Y, F],
        foreignStaff: 'unseen',
      },
    );
  });
  describe('the Kampala academy', () => {
    table(
      institutionPolicy,
      { _id: kampala },
      {
        admin: [Y, Y],
        coordinator: 'unseen',
        otherCoordinator: 'unseen',
        trainer: 'unseen',
        otherTrainer: [Y, F],
        staff: 'unseen',
        foreignStaff: [Y, F],
      },
    );
  });
  describe('a country: everyone sees it, admins change it', () => {
    table(
      countryPolicy,
      { _id: kz },
      {
        admin: [Y, Y],
        coordinator: [Y, F],
        otherCoordinator: [Y, F],
        trainer: [Y, F],
        otherTrainer: [Y, F],
        staff: [Y, F],
        foreignStaff: [Y, F],
      },
    );
  });
});
