import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Actor } from '../src/access/actor.ts';
import { curriculumPolicy, type CurriculumRecord } from '../src/access/curriculum.policy.ts';
import { can } from '../src/access/policy.ts';
import { Curriculum } from '../src/curricula/curriculum.model.ts';
import {
  addItem,
  moveItem,
  removeItem,
  requiredHours,
  setRequired,
  type PlainItem,
} from '../src/curricula/curriculum-rules.ts';
import { curriculumSchema } from '../src/curricula/curricula.schemas.ts';
import { saveCurriculum } from '../src/curricula/curricula.service.ts';
import { seedDemoCurricula } from '../src/demo/demo-curricula.ts';
import { FieldValidationError, HttpError } from '../src/http/errors.ts';
import { TrainingModule, type ModuleStatus } from '../src/modules/training-module.model.ts';
import { buildCountry, buildInstitution } from './support/factories.ts';

// The rules of curricula without HTTP: the order of the items, who edits and sees what, the
// refusal of a save that lost a race, and the demo curricula.

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const C = 'c'.repeat(24);
const list: PlainItem[] = [
  { module: A, required: true },
  { module: B, required: false },
  { module: C, required: true },
];
const order = (items: PlainItem[]) => items.map((item) => item.module);

function refusal(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('curricula rules', () => {
  describe('the order of the modules', () => {
    it('adds a module at the end, once', () => {
      const added = addItem(list, 'd'.repeat(24), false);
      expect(order(added)).to.deep.equal([A, B, C, 'd'.repeat(24)]);
      expect(added[3]!.required).to.equal(false);
      const error = refusal(() => addItem(list, B, true));
      expect(error).to.be.instanceOf(FieldValidationError);
      expect((error as FieldValidationError).fieldErrors.module?.key).to.equal('curricula:items.duplicate');
    });

    it('swaps a module with its neighbour, and refuses the first up and the last down', () => {
      expect(order(moveItem(list, B, 'up'))).to.deep.equal([B, A, C]);
      expect(order(moveItem(list, B, 'down'))).to.deep.equal([A, C, B]);
      expect(order(moveItem(list, A, 'down'))).to.deep.equal([B, A, C]);
      expect(refusal(() => moveItem(list, A, 'up')).status).to.equal(400);
      expect(refusal(() => moveItem(list, C, 'down')).status).to.equal(400);
      expect(refusal(() => moveItem([{ module: A, required: true }], A, 'down')).status).to.equal(400);
    });

    it('marks a module required or elective in its place', () => {
      expect(setRequired(list, B, true).map((i) => i.required)).to.deep.equal([true, true, true]);
      expect(setRequired(list, A, false).map((i) => i.required)).to.deep.equal([false, false, true]);
      expect(order(setRequired(list, A, false))).to.deep.equal([A, B, C]);
    });

    it('removes a module and keeps the others in order, down to none', () => {
      expect(order(removeItem(list, B))).to.deep.equal([A, C]);
      expect(removeItem([{ module: A, required: true }], A)).to.deep.equal([]);
    });

    it('answers 404 for a module that is not in the list', () => {
      const missing = 'e'.repeat(24);
      for (const run of [
        () => moveItem(list, missing, 'up'),
        () => setRequired(list, missing, true),
        () => removeItem(list, missing),
        () => removeItem([], missing),
      ]) {
        expect(refusal(run).status).to.equal(404);
      }
    });

    it('never changes the list it was given', () => {
      const copy = structuredClone(list);
      addItem(list, 'd'.repeat(24), true);
      moveItem(list, B, 'up');
      setRequired(list, B, true);
      removeItem(list, A);
      expect(list).to.deep.equal(copy);
    });

    it('adds up the hours of required modules only, known hours only', () => {
      const hours: Record<string, number> = { [A]: 8, [B]: 6, [C]: 2.5 };
      expect(requiredHours(list, (id) => hours[id])).to.equal(10.5);
      expect(requiredHours(list, (id) => (id === C ? undefined : hours[id]))).to.equal(8);
      expect(requiredHours([], () => 1)).to.equal(0);
    });
  });

  describe('who edits and who sees', () => {
    const home = new mongoose.Types.ObjectId();
    const elsewhere = new mongoose.Types.ObjectId();
    const uganda = new mongoose.Types.ObjectId();
    const actor = (roles: Actor['roles'], fields: Partial<Actor> = {}): Actor => ({
      id: new mongoose.Types.ObjectId().toHexString(),
      email: 'x@test.example',
      fullName: 'X',
      roles,
      institutionId: home.toHexString(),
      countryId: uganda.toHexString(),
      scopeInstitutionIds: [home.toHexString()],
      language: 'en',
      mustChangePassword: false,
      ...fields,
    });
    const owned = (institution: mongoose.Types.ObjectId | undefined, status: string, country = uganda) => ({
      institution,
      country: institution ? country : undefined,
      status,
    });

    const canEditCurriculum = (who: Actor, c: CurriculumRecord) => can(who, curriculumPolicy, 'update', c);
    const canSeeCurriculum = (who: Actor, c: CurriculumRecord) => can(who, curriculumPolicy, 'read', c);

    it('lets admins edit all, coordinators their scope’s, and no one else anything', () => {
      expect(canEditCurriculum(actor(['admin']), owned(undefined, 'draft'))).to.equal(true);
      expect(canEditCurriculum(actor(['coordinator']), owned(home, 'draft'))).to.equal(true);
      expect(canEditCurriculum(actor(['coordinator']), owned(elsewhere, 'published'))).to.equal(false);
      expect(canEditCurriculum(actor(['coordinator']), owned(undefined, 'published'))).to.equal(false);
      expect(canEditCurriculum(actor(['trainer']), owned(home, 'draft'))).to.equal(false);
      expect(canEditCurriculum(actor(['staff']), owned(home, 'draft'))).to.equal(false);
    });

    it('shows published curricula of one’s country and national ones; drafts to editors only', () => {
      const staff = actor(['staff']);
      expect(canSeeCurriculum(staff, owned(home, 'published'))).to.equal(true);
      expect(canSeeCurriculum(staff, owned(undefined, 'published'))).to.equal(true);
      expect(canSeeCurriculum(staff, owned(elsewhere, 'published', new mongoose.Types.ObjectId()))).to.equal(false);
      expect(canSeeCurriculum(staff, owned(home, 'draft'))).to.equal(false);
      expect(canSeeCurriculum(staff, owned(home, 'archived'))).to.equal(false);
      expect(canSeeCurriculum(actor(['coordinator']), owned(home, 'archived'))).to.equal(true);
      expect(canSeeCurriculum(actor(['coordinator']), owned(elsewhere, 'draft'))).to.equal(false);
    });
  });

  describe('the curriculum form schema', () => {
    it('stores codes in upper case and refuses objects in place of values', () => {
      const base = { title: 'T', code: 'ug-basic', description: '', institution: '' };
      const parsed = curriculumSchema.parse(base);
      expect(parsed.code).to.equal('UG-BASIC');
      expect(parsed.institution).to.equal(undefined);
      expect(parsed.description).to.equal(undefined);
      for (const bad of [{ title: { $ne: '' } }, { institution: { $gt: '' } }, { code: ['A1', 'B2'] }]) {
        expect(curriculumSchema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).to.equal(false);
      }
    });
  });

  describe('two editors at once', () => {
    it('refuses the second of two saves made from the same version (409), keeping the first', async () => {
      const m1 = new mongoose.Types.ObjectId();
      const m2 = new mongoose.Types.ObjectId();
      const created = await Curriculum.create({ code: 'RACE', title: 'Race', items: [{ module: m1, required: true }] });
      const alice = await Curriculum.findById(created._id).orFail();
      const bob = await Curriculum.findById(created._id).orFail();
      alice.set('items', [...alice.items, { module: m2, required: false }]);
      await saveCurriculum(alice);
      bob.set('items', []);
      let error: unknown;
      try {
        await saveCurriculum(bob);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(HttpError);
      expect((error as HttpError).status).to.equal(409);
      expect((error as HttpError).messageKey).to.equal('curricula:conflict');
      const after = await Curriculum.findById(created._id).lean().orFail();
      expect(after.items.map((i) => i.module.toHexString())).to.deep.equal([m1.toHexString(), m2.toHexString()]);
    });

    it('never stores a module twice, whatever a caller does', async () => {
      const m = new mongoose.Types.ObjectId();
      let error: unknown;
      try {
        await Curriculum.create({ code: 'TWICE', title: 'Twice', items: [{ module: m }, { module: m }] });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(mongoose.Error.ValidationError);
      expect(await Curriculum.exists({ code: 'TWICE' })).to.equal(null);
    });
  });

  describe('the demo curricula', () => {
    async function demoWorld() {
      const uganda = await buildCountry({ code: 'UG', name: 'Uganda' });
      const kazakhstan = await buildCountry({ code: 'KZ', name: 'Kazakhstan' });
      const academy = await buildInstitution({ country: uganda._id, code: 'UG-PATS' });
      const centre = await buildInstitution({ country: kazakhstan._id, code: 'KZ-PSTC' });
      return { uganda, kazakhstan, academy, centre };
    }
    const moduleOf = (
      code: string,
      owner: { _id: mongoose.Types.ObjectId; country: mongoose.Types.ObjectId } | null,
      fields: Partial<{ status: ModuleStatus; tags: string[] }> = {},
    ) =>
      TrainingModule.create({
        code,
        title: `Module ${code}`,
        hours: 6,
        status: fields.status ?? 'published',
        tags: fields.tags ?? ['pve'],
        institution: owner?._id,
        country: owner?.country,
      });

    it('does nothing before the modules exist', async () => {
      await demoWorld();
      expect(await seedDemoCurricula()).to.deep.equal({ created: 0, existing: 0, skipped: 2 });
      expect(await Curriculum.countDocuments()).to.equal(0);
    });

    it('does nothing before the institutions exist', async () => {
      await moduleOf('NAT-PVE', null);
      expect(await seedDemoCurricula()).to.deep.equal({ created: 0, existing: 0, skipped: 2 });
      expect(await Curriculum.countDocuments()).to.equal(0);
    });

    it('builds the Prison Academy curriculum from the published PVE modules of Uganda and national ones', async () => {
      const w = await demoWorld();
      const ug2 = await moduleOf('UG-PVE-2', w.academy);
      const ug1 = await moduleOf('UG-PVE-1', w.academy, { tags: ['PVE', 'custody'] });
      const national = await moduleOf('NAT-PVE', null);
      await moduleOf('UG-DRAFT', w.academy, { status: 'draft' });
      await moduleOf('UG-OLD', w.academy, { status: 'archived' });
      await moduleOf('UG-OTHER', w.academy, { tags: ['first-aid'] });
      await moduleOf('KZ-ELSE', w.centre, { tags: ['other'] });

      expect(await seedDemoCurricula()).to.deep.equal({ created: 1, existing: 0, skipped: 1 });
      const basic = await Curriculum.findOne({ code: 'UG-PATS-BASIC' }).lean().orFail();
      expect(basic.title).to.equal('Basic training curriculum — Prison Academy');
      expect(basic.status).to.equal('published');
      expect(basic.institution?.toHexString()).to.equal(w.academy.id);
      expect(basic.country?.toHexString()).to.equal(w.uganda.id);
      expect(basic.items.map((i) => [i.module.toHexString(), i.required])).to.deep.equal([
        [national.id, true],
        [ug1.id, true],
        [ug2.id, true],
      ]);
    });

    it('builds the PVE specialist track once the centre has PVE modules of its own, and runs again safely', async () => {
      const w = await demoWorld();
      const national = await moduleOf('NAT-PVE', null);
      expect((await seedDemoCurricula()).created).to.equal(1); // national modules alone make no specialist track
      const kz = await moduleOf('KZ-PVE-1', w.centre);
      expect(await seedDemoCurricula()).to.deep.equal({ created: 1, existing: 1, skipped: 0 });
      const track = await Curriculum.findOne({ code: 'KZ-PSTC-PVE' }).lean().orFail();
      expect(track.title).to.equal('PVE specialist track');
      expect(track.items.map((i) => [i.module.toHexString(), i.required])).to.deep.equal([
        [kz.id, true],
        [national.id, false],
      ]);
      const before = await Curriculum.find().sort({ code: 1 }).lean();
      await moduleOf('KZ-PVE-2', w.centre);
      expect(await seedDemoCurricula()).to.deep.equal({ created: 0, existing: 2, skipped: 0 });
      expect(await Curriculum.find().sort({ code: 1 }).lean()).to.deep.equal(before);
    });
  });
});
