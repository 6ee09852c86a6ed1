import { expect } from 'chai';
import { curriculumPolicy } from '../src/access/curriculum.policy.ts';
import { candidatePolicy, enrolmentPolicy } from '../src/access/enrolment.policy.ts';
import { modulePolicy } from '../src/access/module.policy.ts';
import { authorize, can, permissions } from '../src/access/policy.ts';
import { resourcePolicy, type ResourceRecord } from '../src/access/resource.policy.ts';
import { sessionPolicy } from '../src/access/session.policy.ts';
import type { Actor } from '../src/access/actor.ts';
import { HttpError } from '../src/http/errors.ts';
import { academy, actors, F, kampala, kz, oid, session, status, table, ug, Y } from './support/policy-table.ts';

// Who may do what to sessions, enrolments, modules, materials and curricula: a table per record
// (test/support/policy-table.ts), a row per actor, a column per action of the policy. People,
// institutions and countries are in policies.people.test.ts.

describe('session policy', () => {
  describe('an open session at the academy, taught by the trainer', () => {
    //                           read update cancel manageEnrolments close readRoster enrolSelf
    table(sessionPolicy, session(academy, kz, 'open'), {
      admin: [Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y, Y],
      otherCoordinator: [Y, F, F, F, F, F, Y],
      trainer: [Y, F, F, F, F, Y, F],
      otherTrainer: [Y, F, F, F, F, F, Y],
      staff: [Y, F, F, F, F, F, Y],
      foreignStaff: 'unseen',
    });
  });
  describe('a draft session at the academy: only its managers and its trainers know of it', () => {
    table(sessionPolicy, session(academy, kz, 'draft'), {
      admin: [Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y, Y],
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, F, Y, F],
      otherTrainer: 'unseen',
      staff: 'unseen',
      foreignStaff: 'unseen',
    });
  });
  describe('an open session in Uganda: a scope reaching there does not show it', () => {
    table(sessionPolicy, session(kampala, ug, 'open'), {
      admin: [Y, Y, Y, Y, Y, Y, Y],
      coordinator: 'unseen',
      otherCoordinator: 'unseen',
      trainer: [Y, F, F, F, F, Y, F],
      otherTrainer: 'unseen',
      staff: 'unseen',
      foreignStaff: [Y, F, F, F, F, F, Y],
    });
  });
  it('says why a trainer may not enrol in a session they teach, and why staff may not enrol abroad', () => {
    expect(() => authorize(actors.trainer, sessionPolicy, 'enrolSelf', session(kampala, ug, 'open')))
      .to.throw(HttpError)
      .with.property('messageKey', 'enrolments:refused.teaches');
    expect(() => authorize(actors.trainer, sessionPolicy, 'enrolSelf', session(academy, kz, 'open')))
      .to.throw(HttpError)
      .with.property('messageKey', 'enrolments:refused.teaches');
    expect(() => authorize(actors.otherTrainer, sessionPolicy, 'enrolSelf', session(kampala, ug, 'open')))
      .to.throw(HttpError)
      .with.property('status', 404);
  });
});

describe('enrolment policy', () => {
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

describe('candidate policy: whom a manager may add to a session', () => {
  const addable = (manager: Actor, s: ReturnType<typeof session>) =>
    (Object.keys(actors) as (keyof typeof actors)[]).filter((name) =>
      can(manager, candidatePolicy, 'enrol', { person: actors[name], session: s }),
    );
  it('exactly who could enrol themselves: not the manager, not its trainers, nobody who cannot see it', () => {
    const open = session(academy, kz, 'open');
    const couldThemselves = (Object.keys(actors) as (keyof typeof actors)[]).filter((name) =>
      can(actors[name], sessionPolicy, 'enrolSelf', open),
    );
    expect(couldThemselves).to.deep.equal(['admin', 'coordinator', 'otherCoordinator', 'otherTrainer', 'staff']);
    expect(addable(actors.coordinator, open)).to.deep.equal(['admin', 'otherCoordinator', 'otherTrainer', 'staff']);
    expect(addable(actors.admin, open)).to.deep.equal(['coordinator', 'otherCoordinator', 'otherTrainer', 'staff']);
  });
  it("in a session abroad: its own country's staff, not a trainer whose scope reaches there", () => {
    expect(addable(actors.admin, session(kampala, ug, 'open'))).to.deep.equal(['foreignStaff']);
  });
  it('nobody, to whoever does not manage the session', () => {
    for (const name of ['otherCoordinator', 'trainer', 'staff'] as const) {
      expect(addable(actors[name], session(academy, kz, 'open')), name).to.deep.equal([]);
    }
  });
});

describe('module policy', () => {
  const owned = (status: string) => ({ institution: academy, country: kz, status });
  describe('a published module of the academy', () => {
    //                   read update publish archive reinstate addMaterials seeTrainerMaterials readCascade
    table(modulePolicy, owned('published'), {
      admin: [Y, Y, Y, Y, Y, Y, Y, Y],
      coordinator: [Y, Y, Y, Y, Y, Y, Y, Y],
      otherCoordinator: [Y, F, F, F, F, F, F, Y],
      trainer: [Y, F, F, F, F, F, Y, F],
      otherTrainer: [Y, F, F, F, F, F, Y, F],
      staff: [Y, F, F, F, F, F, F, F],
      foreignStaff: 'unseen',
    });
  });
  for (const status of ['draft', 'archived']) {
    describe(`a ${status} module of the academy: its editors only`, () => {
      table(modulePolicy, owned(status), {
        admin: [Y, Y, Y, Y, Y, Y, Y, Y],
        coordinator: [Y, Y, Y, Y, Y, Y, Y, Y],
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
        admin: [Y, Y, Y, Y, Y, Y, Y, Y],
        coordinator: [Y, F, F, F, F, F, F, Y],
        otherCoordinator: [Y, F, F, F, F, F, F, Y],
        trainer: [Y, F, F, F, F, F, Y, F],
        otherTrainer: [Y, F, F, F, F, F, Y, F],
        staff: [Y, F, F, F, F, F, F, F],
        foreignStaff: [Y, F, F, F, F, F, F, F],
      },
    );
  });
});

describe('resource policy', () => {
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
  describe('a published curriculum of the academy', () => {
    //                       read update followProgress
    table(
      curriculumPolicy,
      { institution: academy, country: kz, status: 'published' },
      {
        admin: [Y, Y, Y],
        coordinator: [Y, Y, Y],
        otherCoordinator: [Y, F, Y],
        trainer: [Y, F, F],
        otherTrainer: [Y, F, F],
        staff: [Y, F, F],
        foreignStaff: 'unseen',
      },
    );
  });
  describe('a draft curriculum of the academy', () => {
    table(
      curriculumPolicy,
      { institution: academy, country: kz, status: 'draft' },
      {
        admin: [Y, Y, Y],
        coordinator: [Y, Y, Y],
        otherCoordinator: 'unseen',
        trainer: 'unseen',
        otherTrainer: 'unseen',
        staff: 'unseen',
        foreignStaff: 'unseen',
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
      close: false,
      readRoster: true,
      enrolSelf: false,
    });
  });
});
