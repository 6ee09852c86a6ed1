import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Actor, Role } from '../src/access/actor.ts';
import { curriculumPolicy } from '../src/access/curriculum.policy.ts';
import { enrolmentPolicy } from '../src/access/enrolment.policy.ts';
import { countryPolicy, institutionPolicy } from '../src/access/institution.policy.ts';
import { modulePolicy } from '../src/access/module.policy.ts';
import { assignableRoles, personPolicy, type PersonRecord } from '../src/access/person.policy.ts';
import { authorize, can, permissions, type ActionOf, type Policy, type RecordOf } from '../src/access/policy.ts';
import { resourcePolicy, type ResourceRecord } from '../src/access/resource.policy.ts';
import { sessionPolicy } from '../src/access/session.policy.ts';
import { HttpError } from '../src/http/errors.ts';

// Who may do what to each kind of record, one table per record: a row per actor, a column per
// action of the policy (in the order the policy declares them). "Y" allowed, 403 seen but not
// allowed, 404 not seen; "unseen" is a row of 404s. Each cell is checked with can and authorize.

const id = () => new mongoose.Types.ObjectId();
const kz = id();
const ug = id();
const academy = id(); // Kazakhstan
const partner = id(); // Kazakhstan, in the coordinator's scope
const elsewhere = id(); // Kazakhstan, another coordinator's
const kampala = id(); // Uganda

type Id = mongoose.Types.ObjectId;

/** An actor as toActor builds one: their own institution is in their scope. */
function actor(roles: Role[], at?: Id, country?: Id, scope: Id[] = []): Actor {
  const institutionId = at?.toHexString();
  return {
    id: id().toHexString(),
    email: 'someone@test.example',
    fullName: 'Someone',
    roles,
    institutionId,
    countryId: country?.toHexString(),
    scopeInstitutionIds: [at, ...scope].filter((i) => i !== undefined).map((i) => i.toHexString()),
    language: 'en',
    mustChangePassword: false,
  };
}

const actors = {
  admin: actor(['admin'], undefined),
  coordinator: actor(['coordinator'], academy, kz, [partner]),
  otherCoordinator: actor(['coordinator'], elsewhere, kz),
  trainer: actor(['trainer'], academy, kz),
  otherTrainer: actor(['trainer'], elsewhere, kz, [kampala]),
  staff: actor(['staff'], academy, kz),
  foreignStaff: actor(['staff'], kampala, ug),
};
type ActorName = keyof typeof actors;
const described: Record<ActorName, string> = {
  admin: 'an admin',
  coordinator: 'the coordinator of the academy (and of Partner)',
  otherCoordinator: 'a coordinator of another institution in Kazakhstan',
  trainer: 'a trainer of the academy, who teaches the sessions',
  otherTrainer: 'a trainer elsewhere, teaching none of them, whose scope reaches into Uganda',
  staff: 'staff of the academy (Kazakhstan)',
  foreignStaff: 'staff in Uganda',
};
const oid = (a: Actor) => new mongoose.Types.ObjectId(a.id);

const Y = 'Y';
type Outcome = typeof Y | 403 | 404;
type Row = Outcome[] | 'unseen';

function status(run: () => void): Outcome {
  try {
    run();
    return Y;
  } catch (error) {
    if (error instanceof HttpError && (error.status === 403 || error.status === 404)) return error.status;
    throw error;
  }
}

/** One `it` per actor: every action of the policy, through can and through authorize. */
function table<P extends Policy<never>>(policy: P, record: RecordOf<P>, rows: Record<ActorName, Row>) {
  const actions = Object.keys(policy) as ActionOf<P>[];
  for (const [name, row] of Object.entries(rows) as [ActorName, Row][]) {
    const expected = row === 'unseen' ? actions.map((): Outcome => 404) : row;
    const wording = actions
      .map((action, i) => `${action} ${expected[i] === Y ? 'yes' : String(expected[i])}`)
      .join(', ');
    it(`${described[name]}: ${wording}`, () => {
      expect(expected, 'one cell per action').to.have.length(actions.length);
      const who = actors[name];
      const answers = actions.map((action) => status(() => authorize(who, policy, action, record)));
      expect(Object.fromEntries(actions.map((a, i) => [a, answers[i]]))).to.deep.equal(
        Object.fromEntries(actions.map((a, i) => [a, expected[i]])),
      );
      for (const action of actions)
        expect(can(who, policy, action, record), action).to.equal(answers[actions.indexOf(action)] === Y);
    });
  }
}

const session = (institution: Id, country: Id, status: string) => ({
  institution,
  country,
  status,
  trainers: [{ person: oid(actors.trainer) }],
});

describe('session policy', () => {
  const F = 403;
  describe('an open session at the academy, taught by the trainer', () => {
    //                           read update cancel manageEnrolments readRoster enrolSelf
    table(sessionPolicy, session(academy, kz, 'open'), {
      admin: [Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y],
      otherCoordinator: [Y, F, F, F, F, Y],
      trainer: [Y, F, F, F, Y, Y],
      otherTrainer: [Y, F, F, F, F, Y],
      staff: [Y, F, F, F, F, Y],
      foreignStaff: 'unseen',
    });
  });
  describe('a draft session at the academy: only its managers and its trainers know of it', () => {
    table(sessionPolicy, session(academy, kz, 'draft'), {
      admin: [Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, Y, Y],
      otherTrainer: 'unseen',
      staff: 'unseen',
      foreignStaff: 'unseen',
    });
  });
  describe('an open session in Uganda: a scope reaching there does not show it', () => {
    table(sessionPolicy, session(kampala, ug, 'open'), {
      admin: [Y, Y, Y, Y, Y, Y],
      coordinator: 'unseen',
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, Y, F],
      otherTrainer: 'unseen',
      staff: 'unseen',
      foreignStaff: [Y, F, F, F, F, Y],
    });
  });
  it('says why a trainer may not enrol in a session abroad they teach', () => {
    expect(() => authorize(actors.trainer, sessionPolicy, 'enrolSelf', session(kampala, ug, 'open')))
      .to.throw(HttpError)
      .with.property('messageKey', 'enrolments:refused.outOfScope');
  });
});

describe('enrolment policy', () => {
  const F = 403;
  describe("staff's own enrolment in the open session at the academy", () => {
    //                         read withdraw approve decline remove
    table(
      enrolmentPolicy,
      { person: oid(actors.staff), session: session(academy, kz, 'open') },
      {
        admin: [Y, F, Y, Y, Y],
        coordinator: [Y, F, Y, Y, Y],
        otherCoordinator: 'unseen',
        trainer: [Y, F, F, F, F],
        otherTrainer: 'unseen',
        staff: [Y, Y, F, F, F],
        foreignStaff: 'unseen',
      },
    );
  });
  describe('an enrolment of foreign staff in Uganda', () => {
    table(
      enrolmentPolicy,
      { person: oid(actors.foreignStaff), session: session(kampala, ug, 'open') },
      {
        admin: [Y, F, Y, Y, Y],
        coordinator: 'unseen',
        otherCoordinator: 'unseen',
        trainer: [Y, F, F, F, F],
        otherTrainer: 'unseen',
        staff: 'unseen',
        foreignStaff: [Y, Y, F, F, F],
      },
    );
  });
});

describe('module policy', () => {
  const F = 403;
  const owned = (status: string) => ({ institution: academy, country: kz, status });
  describe('a published module of the academy', () => {
    //                   read update publish archive reinstate addMaterials seeTrainerMaterials
    table(modulePolicy, owned('published'), {
      admin: [Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y, Y],
      otherCoordinator: [Y, F, F, F, F, F, F],
      trainer: [Y, F, F, F, F, F, Y],
      otherTrainer: [Y, F, F, F, F, F, Y],
      staff: [Y, F, F, F, F, F, F],
      foreignStaff: 'unseen',
    });
  });
  for (const status of ['draft', 'archived']) {
    describe(`a ${status} module of the academy: its editors only`, () => {
      table(modulePolicy, owned(status), {
        admin: [Y, Y, Y, Y, Y, Y, Y],
        coordinator: [Y, Y, Y, Y, Y, Y, Y],
        otherCoordinator: 'unseen',
        trainer: 'unseen',
        otherTrainer: 'unseen',
        staff: 'unseen',
        foreignStaff: 'unseen',
      });
    });
  }
  describe('a published national module: everyone sees it, admins change it', () => {
    table(
      modulePolicy,
      { institution: null, country: null, status: 'published' },
      {
        admin: [Y, Y, Y, Y, Y, Y, Y],
        coordinator: [Y, F, F, F, F, F, F],
        otherCoordinator: [Y, F, F, F, F, F, F],
        trainer: [Y, F, F, F, F, F, Y],
        otherTrainer: [Y, F, F, F, F, F, Y],
        staff: [Y, F, F, F, F, F, F],
        foreignStaff: [Y, F, F, F, F, F, F],
      },
    );
  });
});

describe('resource policy', () => {
  const F = 403;
  const published = { institution: academy, country: kz, status: 'published' };
  const archived = { ...published, status: 'archived' };
  describe("participants' material of a published module", () => {
    //                     read download update delete seeOldVersions
    table(
      resourcePolicy,
      { audience: 'participants', module: published },
      {
        admin: [Y, Y, Y, Y, Y],
        coordinator: [Y, Y, Y, Y, Y],
        otherCoordinator: [Y, Y, F, F, F],
        trainer: [Y, Y, F, F, F],
        otherTrainer: [Y, Y, F, F, F],
        staff: [Y, Y, F, F, F],
        foreignStaff: 'unseen',
      },
    );
  });
  describe('trainer-only material of a published module', () => {
    table(
      resourcePolicy,
      { audience: 'trainers', module: published },
      {
        admin: [Y, Y, Y, Y, Y],
        coordinator: [Y, Y, Y, Y, Y],
        otherCoordinator: 'unseen',
        trainer: [Y, Y, F, F, F],
        otherTrainer: [Y, Y, F, F, F],
        staff: 'unseen',
        foreignStaff: 'unseen',
      },
    );
  });
  describe('materials of an archived module are kept by whoever taught or took a session of it', () => {
    const material = (audience: ResourceRecord['audience'], keptBy?: ResourceRecord['keptBy']) => ({
      audience,
      module: archived,
      keptBy,
    });
    const answer = (who: Actor, record: ResourceRecord) => status(() => authorize(who, resourcePolicy, 'read', record));
    it('a trainer who taught it keeps all its materials, and may not change them', () => {
      expect(answer(actors.otherTrainer, material('trainers', 'trainer'))).to.equal(Y);
      expect(
        status(() => authorize(actors.otherTrainer, resourcePolicy, 'update', material('trainers', 'trainer'))),
      ).to.equal(F);
    });
    it("a participant who took it keeps the participants' materials, not the trainers'", () => {
      expect(answer(actors.staff, material('participants', 'participant'))).to.equal(Y);
      expect(answer(actors.staff, material('trainers', 'participant'))).to.equal(404);
    });
    it('anyone else no longer sees them', () => {
      expect(answer(actors.staff, material('participants'))).to.equal(404);
      expect(answer(actors.otherCoordinator, material('participants'))).to.equal(404);
    });
    it('its editors still see and change them', () => {
      expect(status(() => authorize(actors.coordinator, resourcePolicy, 'update', material('trainers')))).to.equal(Y);
    });
  });
});

describe('curriculum policy', () => {
  const F = 403;
  describe('a published curriculum of the academy', () => {
    //                       read update
    table(
      curriculumPolicy,
      { institution: academy, country: kz, status: 'published' },
      {
        admin: [Y, Y],
        coordinator: [Y, Y],
        otherCoordinator: [Y, F],
        trainer: [Y, F],
        otherTrainer: [Y, F],
        staff: [Y, F],
        foreignStaff: 'unseen',
      },
    );
  });
  describe('a draft curriculum of the academy', () => {
    table(
      curriculumPolicy,
      { institution: academy, country: kz, status: 'draft' },
      {
        admin: [Y, Y],
        coordinator: [Y, Y],
        otherCoordinator: 'unseen',
        trainer: 'unseen',
        otherTrainer: 'unseen',
        staff: 'unseen',
        foreignStaff: 'unseen',
      },
    );
  });
});

describe('person policy', () => {
  const F = 403;
  const person = (who: Actor, roles: Role[], at: Id | null): PersonRecord => ({
    _id: oid(who),
    institution: at,
    roles,
    active: true,
    email: who.email,
  });
  describe('the trainer of the academy', () => {
    // read update activate deactivate issuePasswordLink assignRoles enrol recordQualifications
    table(personPolicy, person(actors.trainer, ['trainer'], academy), {
      admin: [Y, Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, F, F, F, F],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, F, F, F, F],
      foreignStaff: 'unseen',
    });
  });
  describe("the academy's coordinator: a coordinator changes staff and trainers only", () => {
    table(personPolicy, person(actors.coordinator, ['coordinator'], academy), {
      admin: [Y, Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, F, F, F, F, F, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, F, F, F, F],
      otherTrainer: 'unseen',
      staff: [Y, F, F, F, F, F, F, F],
      foreignStaff: 'unseen',
    });
  });
  describe('staff in Uganda', () => {
    table(personPolicy, person(actors.foreignStaff, ['staff'], kampala), {
      admin: [Y, Y, Y, Y, Y, Y, Y, Y],
      coordinator: 'unseen',
      otherCoordinator: 'unseen',
      trainer: 'unseen',
      otherTrainer: [Y, F, F, F, F, F, F, F],
      staff: 'unseen',
      foreignStaff: [Y, F, F, F, F, F, F, F],
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
  const F = 403;
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

describe('permissions', () => {
  it('answers every action of a record at once, for the buttons of a page', () => {
    expect(permissions(actors.trainer, sessionPolicy, session(academy, kz, 'open'))).to.deep.equal({
      read: true,
      update: false,
      cancel: false,
      manageEnrolments: false,
      readRoster: true,
      enrolSelf: true,
    });
  });
});
