import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Actor, Role } from '../src/access/actor.ts';
import { modulePolicy } from '../src/access/module.policy.ts';
import { can } from '../src/access/policy.ts';
import { visibleToFilter } from '../src/modules/module-catalogue.service.ts';
import { HttpError } from '../src/http/errors.ts';
import { findCycle, type PrerequisiteLoader } from '../src/modules/module-prerequisites.ts';
import { ModuleVersion } from '../src/modules/module-version.model.ts';
import { moduleTitleIn } from '../src/modules/module-lookups.service.ts';
import { changedContent, contentOf, saveEdit } from '../src/modules/module-versioning.ts';
import { moduleSchema, type ModuleInput } from '../src/modules/modules.schemas.ts';
import { getModule, publishModule, publishProblems, updateModule } from '../src/modules/modules.service.ts';
import { TrainingModule, type ModuleStatus } from '../src/modules/training-module.model.ts';
import { buildCountry, buildInstitution } from './support/factories.ts';

// The rules of modules, called as the routes call them, without HTTP.

const oid = () => new mongoose.Types.ObjectId().toHexString();

function actor(roles: Role[], fields: Partial<Actor> = {}): Actor {
  return {
    id: oid(),
    email: 'someone@test.example',
    fullName: 'Some One',
    roles,
    institutionId: undefined,
    countryId: undefined,
    scopeInstitutionIds: [],
    language: 'en',
    mustChangePassword: false,
    ...fields,
  };
}

function form(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: 'RULE-1',
    title: 'Rules',
    summary: '',
    objectives: 'Know the rules.',
    hours: '4',
    deliveryMode: 'classroom',
    audience: '',
    passMark: '',
    attendanceThreshold: '80',
    certificateValidityMonths: '0',
    tags: '',
    languages: 'en',
    institution: '',
    ...fields,
  };
}

const input = (fields: Record<string, unknown> = {}): ModuleInput => moduleSchema.parse(form(fields));

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('module rules', () => {
  describe('the module form schema', () => {
    it('reads objectives one per line, trimmed, without empty lines', () => {
      expect(input({ objectives: ' a \r\n\r\n  b\n\n' }).objectives).to.deep.equal(['a', 'b']);
      expect(input({ objectives: '' }).objectives).to.deep.equal([]);
    });

    it('reads tags comma-separated, lower-cased, trimmed, each once', () => {
      expect(input({ tags: ' PVE , security,pve,,  Basic   Training ' }).tags).to.deep.equal([
        'pve',
        'security',
        'basic training',
      ]);
    });

    it('turns an empty pass mark into "no assessment" and keeps 0 as a pass mark', () => {
      expect(input({ passMark: '' }).passMark).to.equal(null);
      expect(input({ passMark: '0', hasPostTest: 'on' }).passMark).to.equal(0);
    });

    it('accepts hours with a decimal point or comma, and upper-cases the code', () => {
      expect(input({ hours: '2,5' }).hours).to.equal(2.5);
      expect(input({ hours: '0.75' }).hours).to.equal(0.75);
      expect(input({ code: ' pve-01 ' }).code).to.equal('PVE-01');
    });

    it('keeps languages in a fixed order, each once, and prerequisites in lower case, each once', () => {
      const id = '0123456789ABCDEF01234567';
      const parsed = input({ languages: ['kk', 'en', 'kk'], prerequisites: [id, id.toLowerCase()] });
      expect(parsed.languages).to.deep.equal(['en', 'kk']);
      expect(parsed.prerequisites).to.deep.equal([id.toLowerCase()]);
    });

    it('reads the title translations rows, empty ones dropped, in the order of the languages', () => {
      const parsed = input({
        translationLanguage: ['ar', 'fr', ''],
        translationTitle: [' فهم التطرف ', 'Les règles', ''],
      });
      expect(parsed.titleTranslations).to.deep.equal([
        { language: 'fr', title: 'Les règles' },
        { language: 'ar', title: 'فهم التطرف' },
      ]);
      expect(input().titleTranslations).to.deep.equal([]);
      expect(
        moduleSchema.safeParse(form({ translationLanguage: 'kk', translationTitle: 'Ережелер' })).success,
      ).to.equal(false);
    });

    it('refuses an object where a value belongs', () => {
      expect(moduleSchema.safeParse(form({ title: { $gt: '' } })).success).to.equal(false);
      expect(moduleSchema.safeParse(form({ tags: ['a', 'b'] })).success).to.equal(false);
    });
  });

  describe('what makes a new version', () => {
    const base = {
      title: 'T',
      summary: 'S',
      objectives: ['a'],
      hours: 4,
      deliveryMode: 'classroom',
      audience: '',
      prerequisites: [new mongoose.Types.ObjectId('0123456789abcdef01234567')],
      passMark: null,
      hasPreTest: false,
      hasPostTest: true,
      attendanceThreshold: 80,
      certificateValidityMonths: 0,
      languages: ['en', 'ru'],
      tags: ['pve'],
      code: 'A',
    };

    it('sees a change of content', () => {
      expect(changedContent(base, { ...base, hours: 5 })).to.deep.equal(['hours']);
      expect(changedContent(base, { ...base, objectives: ['a', 'b'] })).to.deep.equal(['objectives']);
      expect(changedContent(base, { ...base, passMark: 50 })).to.deep.equal(['passMark']);
    });

    it('ignores tags, code and the order of prerequisites and languages', () => {
      const retagged = { ...base, tags: ['other'], code: 'B' };
      expect(changedContent(base, retagged)).to.deep.equal([]);
      expect(changedContent(base, { ...base, languages: ['ru', 'en'] })).to.deep.equal([]);
      expect(changedContent(base, { ...base, prerequisites: ['0123456789abcdef01234567'] })).to.deep.equal([]);
    });

    it('sees a change of a title translation, not their order nor a module saved before translations existed', () => {
      const translated = { ...base, titleTranslations: [{ language: 'ru', title: 'Т' }] };
      expect(changedContent(base, translated)).to.deep.equal(['titleTranslations']);
      expect(changedContent(base, { ...base, titleTranslations: [] })).to.deep.equal([]);
      const both = [
        { language: 'ar', title: 'ع' },
        { language: 'ru', title: 'Т' },
      ];
      expect(changedContent({ ...base, titleTranslations: both }, { ...base, titleTranslations: both.toReversed() })).to
        .be.empty;
      expect(contentOf({ ...base, titleTranslations: both }).titleTranslations).to.deep.equal(both.toReversed());
    });

    it('snapshots only the versioned fields, as plain data', () => {
      const content = contentOf(base);
      expect(content).not.to.have.property('tags');
      expect(content).not.to.have.property('code');
      expect(content.prerequisites).to.deep.equal(['0123456789abcdef01234567']);
    });

    it('asks a published module for objectives and languages', () => {
      expect(publishProblems({ objectives: [], languages: [] })).to.have.keys(['objectives', 'languages']);
      expect(publishProblems({ objectives: ['a'], languages: ['en'] })).to.deep.equal({});
    });
  });

  describe('the title in a language', () => {
    const module = { title: 'Rules', titleTranslations: [{ language: 'ru', title: 'Правила' }] };

    it('is the translation when there is one, else the title', () => {
      expect(moduleTitleIn(module, 'ru')).to.equal('Правила');
      expect(moduleTitleIn(module, 'ar')).to.equal('Rules');
      expect(moduleTitleIn({ title: 'Rules' }, 'ru')).to.equal('Rules');
      expect(moduleTitleIn({ title: 'Rules', titleTranslations: null }, 'fr')).to.equal('Rules');
    });
  });

  describe('prerequisite circles', () => {
    const graph =
      (edges: Record<string, string[]>): PrerequisiteLoader =>
      async (ids) =>
        new Map(ids.map((id) => [id, edges[id] ?? []]));

    it('finds none in a chain or a diamond that does not lead back', async () => {
      const load = graph({ b: ['c'], c: ['d'], d: [], e: ['c', 'd'] });
      expect(await findCycle('a', ['b', 'e'], load)).to.equal(undefined);
    });

    it('finds a module that requires this one directly or through others', async () => {
      expect(await findCycle('a', ['b'], graph({ b: ['a'] }))).to.equal('b');
      expect(await findCycle('a', ['x', 'b'], graph({ b: ['c'], c: ['d'], d: ['a'] }))).to.equal('b');
    });

    it('treats the module itself as a circle', async () => {
      expect(await findCycle('a', ['a'], graph({}))).to.equal('a');
    });

    it('stops on circles elsewhere in the graph that do not involve this module', async () => {
      expect(await findCycle('a', ['b'], graph({ b: ['c'], c: ['b'] }))).to.equal(undefined);
    });
  });

  describe('versions when two editors save at once', () => {
    let admin: Actor;
    let moduleId: string;
    beforeEach(async () => {
      admin = actor(['admin']);
      const module = await TrainingModule.create({
        code: 'RACE-1',
        title: 'Race',
        objectives: ['a'],
        hours: 4,
        languages: ['en'],
        status: 'draft',
      });
      moduleId = module.id;
      await publishModule(admin, moduleId);
    });

    it('lets one of two editors who loaded the same version save it; the other gets a conflict (409)', async () => {
      const [first, second] = await Promise.all([getModule(admin, moduleId), getModule(admin, moduleId)]);
      const before = contentOf(first);
      first.set({ title: 'First editor' });
      second.set({ title: 'Second editor' });
      const save = async (m: typeof first) => {
        await m.save();
      };
      const results = await Promise.allSettled([
        saveEdit(first, before, admin, save),
        saveEdit(second, before, admin, save),
      ]);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused).to.have.length(1);
      const reason = (refused[0] as PromiseRejectedResult).reason as HttpError;
      expect(reason.status).to.equal(409);
      expect(reason.messageKey).to.equal('modules:edit.conflict');

      const versions = await ModuleVersion.find({ module: moduleId, version: 2 }).lean();
      expect(versions).to.have.length(1);
      const stored = await TrainingModule.findById(moduleId).lean().orFail();
      expect(stored.version).to.equal(2);
      expect(stored.title).to.equal((versions[0]!.content as { title: string }).title);
    });

    it('never records a version twice, whatever the timing of two service calls', async () => {
      const results = await Promise.allSettled([
        updateModule(admin, moduleId, input({ code: 'RACE-1', title: 'One' })),
        updateModule(admin, moduleId, input({ code: 'RACE-1', title: 'Two' })),
      ]);
      const versions = (await ModuleVersion.find({ module: moduleId }).lean()).map((v) => v.version).sort();
      const stored = await TrainingModule.findById(moduleId).lean().orFail();
      expect(new Set(versions).size).to.equal(versions.length);
      expect(versions).to.deep.equal(Array.from({ length: stored.version }, (_, i) => i + 1));
      const refused = results.filter((r) => r.status === 'rejected');
      // either one was refused, or they ran one after the other and made versions 2 and 3
      expect(refused.length + stored.version).to.equal(3);
      for (const r of refused) expect(((r as PromiseRejectedResult).reason as HttpError).status).to.equal(409);
    });

    it('takes the snapshot back when the module itself cannot be saved', async () => {
      const module = await getModule(admin, moduleId);
      const before = contentOf(module);
      module.set({ hours: 9 });
      const failing = async () => {
        throw new Error('disk full');
      };
      await saveEdit(module, before, admin, failing).then(
        () => expect.fail('should have failed'),
        (error: Error) => expect(error.message).to.equal('disk full'),
      );
      expect(await ModuleVersion.countDocuments({ module: moduleId })).to.equal(1);
      expect((await TrainingModule.findById(moduleId).lean().orFail()).version).to.equal(1);
    });
  });

  describe('who sees a module in the catalogue', () => {
    it("agrees with the module policy's read for every kind of person and module", async () => {
      const uganda = await buildCountry({ code: 'UG' });
      const kenya = await buildCountry({ code: 'KE' });
      const home = await buildInstitution({ country: uganda._id });
      const abroad = await buildInstitution({ country: kenya._id });
      const modules = [];
      for (const status of ['draft', 'published', 'archived'] as ModuleStatus[]) {
        for (const owner of [undefined, home, abroad]) {
          modules.push(
            await TrainingModule.create({
              code: `SEE-${modules.length}`,
              title: 'x',
              hours: 1,
              status,
              institution: owner?._id,
              country: owner?.country,
            }),
          );
        }
      }
      const people = [
        actor(['staff'], { countryId: String(uganda._id), institutionId: home.id }),
        actor(['staff'], { countryId: undefined }),
        actor(['trainer'], { countryId: String(kenya._id), scopeInstitutionIds: [abroad.id] }),
        actor(['coordinator'], { countryId: String(kenya._id), scopeInstitutionIds: [home.id] }),
        actor(['admin']),
      ];
      for (const person of people) {
        const found = await TrainingModule.find(visibleToFilter(person), { _id: 1 }).lean();
        const expected = modules
          .filter((m) => m.status === 'published' && can(person, modulePolicy, 'read', m))
          .map((m) => m.id);
        expect(
          found.map((m) => String(m._id)),
          person.roles.join(),
        ).to.have.members(expected);
      }
    });
  });

  describe('services refuse people who do not manage modules', () => {
    it('answers 404 for a module they cannot see, 403 for one they see but do not manage', async () => {
      const draft = await TrainingModule.create({ code: 'OWN-1', title: 'x', hours: 1, institution: oid() });
      const published = await TrainingModule.create({
        code: 'OWN-2',
        title: 'y',
        hours: 1,
        institution: oid(),
        status: 'published',
      });
      const coordinator = actor(['coordinator'], { scopeInstitutionIds: [oid()] });
      for (const who of [actor(['staff']), actor(['trainer']), coordinator]) {
        expect((await refusal(getModule(who, draft.id))).status, who.roles.join()).to.equal(404);
        expect((await refusal(getModule(who, published.id))).status, who.roles.join()).to.equal(403);
      }
      expect((await refusal(getModule(coordinator, 'not-an-id'))).status).to.equal(404);
    });
  });
});
