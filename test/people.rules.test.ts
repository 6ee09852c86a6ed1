import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Actor, Role } from '../src/access/actor.ts';
import { assignableRoles, personPolicy, type PersonRecord } from '../src/access/person.policy.ts';
import { can } from '../src/access/policy.ts';
import { FieldValidationError, HttpError } from '../src/http/errors.ts';
import { Person } from '../src/people/person.model.ts';
import { personSchema, type PersonInput } from '../src/people/people.schemas.ts';
import { createPerson, getPerson, setPersonActive, toActor, updatePerson } from '../src/people/people.service.ts';
import { buildCountry, buildInstitution, buildUser } from './support/factories.ts';

// The rules of people administration, called as the routes call them, without HTTP.

async function actorOf(user: InstanceType<typeof Person>): Promise<Actor> {
  return toActor((await Person.findById(user._id).lean().orFail()) as Parameters<typeof toActor>[0]);
}

function input(fields: Partial<Record<keyof PersonInput, unknown>>): PersonInput {
  return personSchema.parse({
    fullName: 'Rule Person',
    gender: 'undisclosed',
    language: 'en',
    roles: ['staff'],
    ...fields,
  });
}

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('people rules', () => {
  describe('the person form schema', () => {
    it('drops repeated roles and scope institutions', () => {
      const id = '0123456789abcdef01234567';
      const parsed = input({ roles: ['staff', 'staff'], scopeInstitutions: [id, id.toUpperCase()] });
      expect(parsed.roles).to.deep.equal(['staff']);
      expect(parsed.scopeInstitutions).to.deep.equal([id]);
    });

    it('reports a bad checkbox on its group, not on one box', () => {
      const result = personSchema.safeParse({
        fullName: 'x',
        gender: 'female',
        language: 'en',
        roles: ['staff', 'root'],
        scopeInstitutions: ['nope'],
      });
      expect(result.success).to.equal(false);
      const paths = result.error!.issues.map((issue) => issue.path.join('.'));
      expect(paths).to.have.members(['roles', 'scopeInstitutions']);
    });

    it('refuses values that are objects, as a JSON body could send', () => {
      for (const bad of [{ fullName: { $ne: '' } }, { roles: [{ $gt: '' }] }, { institution: { $ne: null } }]) {
        const result = personSchema.safeParse({
          fullName: 'x',
          gender: 'female',
          language: 'en',
          roles: ['staff'],
          ...bad,
        });
        expect(result.success, JSON.stringify(bad)).to.equal(false);
      }
    });

    it('keeps ids in lower case, the way they are stored', () => {
      const id = '0123456789ABCDEF01234567';
      expect(input({ institution: id }).institution).to.equal(id.toLowerCase());
    });
  });

  describe('who manages whom', () => {
    it('lets admins manage anyone, coordinators staff and trainers in scope, no one else anyone', async () => {
      const home = await buildInstitution();
      const elsewhere = await buildInstitution();
      const admin = await actorOf(await buildUser({ roles: ['admin'], institution: null }));
      const coordinator = await actorOf(await buildUser({ roles: ['coordinator'], institution: home }));
      const trainer = await actorOf(await buildUser({ roles: ['trainer'], institution: home }));
      const staff = await actorOf(await buildUser({ roles: ['staff'], institution: home }));
      const person = (roles: Role[], institution = home) => ({
        _id: new mongoose.Types.ObjectId(),
        roles,
        institution: institution._id,
      });
      const canManage = (actor: Actor, record: PersonRecord) => can(actor, personPolicy, 'update', record);

      expect(canManage(admin, person(['coordinator'], elsewhere))).to.equal(true);
      expect(canManage(coordinator, person(['staff']))).to.equal(true);
      expect(canManage(coordinator, person(['trainer', 'staff']))).to.equal(true);
      expect(canManage(coordinator, person(['staff'], elsewhere))).to.equal(false);
      expect(canManage(coordinator, person(['coordinator']))).to.equal(false);
      expect(canManage(coordinator, person(['admin', 'staff']))).to.equal(false);
      expect(canManage(coordinator, { ...person(['admin']), institution: undefined })).to.equal(false);
      expect(canManage(trainer, person(['staff']))).to.equal(false);
      expect(canManage(staff, person(['staff']))).to.equal(false);
    });

    it('offers admins every role and coordinators staff and trainer', async () => {
      const admin = await actorOf(await buildUser({ roles: ['admin'], institution: null }));
      const coordinator = await actorOf(await buildUser({ roles: ['coordinator'] }));
      expect(assignableRoles(admin)).to.have.members(['admin', 'coordinator', 'trainer', 'staff']);
      expect(assignableRoles(coordinator)).to.have.members(['trainer', 'staff']);
    });

    it('hides people outside the scope behind 404, but lets anyone see themself', async () => {
      const home = await buildInstitution();
      const elsewhere = await buildInstitution();
      const coordinatorUser = await buildUser({ roles: ['coordinator'], institution: home });
      const coordinator = await actorOf(coordinatorUser);
      const outsider = await buildUser({ institution: elsewhere });
      expect((await refusal(getPerson(coordinator, outsider.id))).status).to.equal(404);
      expect((await refusal(getPerson(coordinator, 'not-an-id'))).status).to.equal(404);
      expect((await refusal(getPerson(coordinator, 'abcdefghijkl'))).status).to.equal(404);
      expect((await getPerson(coordinator, coordinatorUser.id)).id).to.equal(coordinatorUser.id);
    });
  });

  describe('assignments', () => {
    it('copies the institution’s country onto the person, and again when they move', async () => {
      const ug = await buildCountry({ code: 'UG' });
      const kz = await buildCountry({ code: 'KZ' });
      const kampala = await buildInstitution({ country: ug._id });
      const almaty = await buildInstitution({ country: kz._id });
      const admin = await actorOf(await buildUser({ roles: ['admin'], institution: null }));
      const person = await createPerson(admin, input({ institution: kampala.id, serviceNumber: 'S-1' }));
      expect(person.country?.toHexString()).to.equal(ug.id);
      const moved = await updatePerson(admin, person.id, input({ institution: almaty.id, serviceNumber: 'S-1' }));
      expect(moved.country?.toHexString()).to.equal(kz.id);
    });

    it('clears scope institutions of someone who is neither coordinator nor trainer', async () => {
      const home = await buildInstitution();
      const partner = await buildInstitution();
      const admin = await actorOf(await buildUser({ roles: ['admin'], institution: null }));
      const staff = await createPerson(admin, input({ institution: home.id, scopeInstitutions: [partner.id] }));
      expect(staff.scopeInstitutions).to.have.length(0);
      const trainer = await createPerson(
        admin,
        input({ institution: home.id, roles: ['trainer'], scopeInstitutions: [partner.id] }),
      );
      expect(trainer.scopeInstitutions.map(String)).to.deep.equal([partner.id]);
    });

    it('refuses a new scope institution that is deactivated, and keeps one that already was', async () => {
      const home = await buildInstitution();
      const closed = await buildInstitution({ active: false });
      const admin = await actorOf(await buildUser({ roles: ['admin'], institution: null }));
      const error = await refusal(
        createPerson(admin, input({ institution: home.id, roles: ['trainer'], scopeInstitutions: [closed.id] })),
      );
      expect(error).to.be.instanceOf(FieldValidationError);
      expect((error as FieldValidationError).fieldErrors.scopeInstitutions?.key).to.equal(
        'people:institution.inactive',
      );
      const trainer = await buildUser({ roles: ['trainer'], institution: home, scopeInstitutions: [closed] });
      const kept = await updatePerson(
        admin,
        trainer.id,
        input({ fullName: 'Kept', institution: home.id, roles: ['trainer'], scopeInstitutions: [closed.id] }),
      );
      expect(kept.scopeInstitutions.map(String)).to.deep.equal([closed.id]);
    });

    it('names both clashing fields at once', async () => {
      const home = await buildInstitution();
      const taken = await buildUser({ institution: home, serviceNumber: 'T-1' });
      const admin = await actorOf(await buildUser({ roles: ['admin'], institution: null }));
      const error = await refusal(
        createPerson(admin, input({ institution: home.id, email: taken.email, serviceNumber: 't-1' })),
      );
      expect((error as FieldValidationError).fieldErrors).to.deep.equal({
        email: { key: 'people:email.taken' },
        serviceNumber: { key: 'people:serviceNumber.taken' },
      });
    });
  });

  describe('deactivation', () => {
    it('raises the auth version so that open sessions end, and only once', async () => {
      const admin = await actorOf(await buildUser({ roles: ['admin'], institution: null }));
      const person = await buildUser();
      await setPersonActive(admin, person.id, false);
      await setPersonActive(admin, person.id, false);
      const after = await Person.findById(person._id).lean().orFail();
      expect(after.active).to.equal(false);
      expect(after.authVersion).to.equal(person.authVersion + 1);
    });

    it('refuses deactivating oneself and a coordinator deactivating a coordinator', async () => {
      const home = await buildInstitution();
      const adminUser = await buildUser({ roles: ['admin'], institution: null });
      const admin = await actorOf(adminUser);
      expect((await refusal(setPersonActive(admin, adminUser.id, false))).messageKey).to.equal(
        'people:deactivate.self',
      );
      const coordinator = await actorOf(await buildUser({ roles: ['coordinator'], institution: home }));
      const colleague = await buildUser({ roles: ['coordinator'], institution: home });
      expect((await refusal(setPersonActive(coordinator, colleague.id, false))).status).to.equal(403);
      expect((await refusal(setPersonActive(coordinator, colleague.id, true))).status).to.equal(403);
    });
  });
});
