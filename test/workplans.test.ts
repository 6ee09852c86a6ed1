import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Express } from 'express';
import { Curriculum } from '../src/curricula/curriculum.model.ts';
import { TrainerQualification } from '../src/qualifications/trainer-qualification.model.ts';
import { Workplan } from '../src/reports/workplan.model.ts';
import { quarterEnd } from '../src/reports/workplan-progress.ts';
import { buildRecord } from './support/completion-records.ts';
import { buildApp } from './support/context.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { auditEvents } from './support/audit.ts';
import { buildWorld } from './support/world.ts';

// Workplans and their targets (issue 14): administrators record them; each target's progress
// is computed from the completion records, the qualifications and the sessions, with its gap.

describe('workplans', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  it('ends a quarter on its last day', () => {
    expect(['Q1', 'Q2', 'Q3', 'Q4'].map((q) => quarterEnd(2026, q))).to.deep.equal([
      '2026-03-31',
      '2026-06-30',
      '2026-09-30',
      '2026-12-31',
    ]);
  });

  async function world() {
    const w = await buildWorld({
      countries: { tn: { code: 'TN', name: 'Tunisia' }, ug: { code: 'UG', name: 'Uganda' } },
      institutions: {
        tunis: { country: 'tn', name: 'École nationale de Tunis' },
        kampala: { country: 'ug', name: 'Kampala Academy' },
      },
      people: {
        admin: { roles: ['admin'], at: null },
        coordinator: { roles: ['coordinator'], at: 'tunis' },
        salma: { roles: ['staff'], at: 'tunis', fullName: 'Salma Haddad', gender: 'female' },
        karim: { roles: ['staff'], at: 'tunis', fullName: 'Karim Ben Ali', gender: 'male' },
        trainer: { roles: ['trainer'], at: 'tunis', fullName: 'Tarek Trainer' },
        far: { roles: ['staff'], at: 'kampala', fullName: 'Far Away', gender: 'female' },
      },
      modules: {
        pve1: { code: 'PVE-1', title: 'One', status: 'published' },
        pve2: { code: 'PVE-2', title: 'Two', status: 'published' },
      },
    });
    const { tunis, kampala } = w.institutions;
    const { salma, karim, far } = w.people;
    const { pve1, pve2 } = w.modules;
    const issuer = (i: typeof tunis) => ({ _id: i._id, name: i.name, country: i.country });
    // Salma completes both modules in 2026 (the second in May); Karim only one; Far in Uganda
    await buildRecord(salma, pve1, issuer(tunis), { startedOn: '2026-02-10' });
    await buildRecord(salma, pve2, issuer(tunis), { startedOn: '2026-05-12' });
    await buildRecord(karim, pve1, issuer(tunis), { startedOn: '2026-02-10' });
    await buildRecord(far, pve1, issuer(kampala), { startedOn: '2026-02-10' });
    await buildRecord(far, pve2, issuer(kampala), { startedOn: '2026-02-11' });
    await TrainerQualification.create({
      trainer: w.people.trainer._id,
      module: pve1._id,
      qualifiedOn: new Date('2026-03-01T00:00:00Z'),
    });
    const curriculum = await Curriculum.create({
      code: 'PVE',
      title: 'Preventing violent extremism',
      status: 'published',
      items: [
        { module: pve1._id, required: true },
        { module: pve2._id, required: true },
      ],
    });
    return { ...w.countries, ...w.people, ...w.modules, curriculum };
  }

  /** The workplan page's rows: activity, reached, gap. */
  const rows = (html: string) =>
    [...html.matchAll(/<tr>\s*<td>(Q\d)<\/td>([\s\S]*?)<\/tr>/g)].map((m) => {
      const cells = [...m[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
        c[1]!
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      );
      return [m[1], cells[0], cells[2], cells[3]];
    });

  /** Tunisia's workplan for 2026, made through its form: its page's address. */
  async function newWorkplan(admin: Agent, w: Awaited<ReturnType<typeof world>>): Promise<string> {
    const created = await post(admin, '/reports/workplans', {
      title: 'Tunisia 2026',
      country: w.tn.id as string,
      year: '2026',
    });
    expect(created.status).to.equal(303);
    return created.headers.location!;
  }

  it('an admin records a workplan and its targets; each shows what it reached and its gap', async () => {
    const w = await world();
    const admin = await signIn(app, w.admin.email!);
    const page = await newWorkplan(admin, w);
    const add = async (fields: Record<string, string>) => {
      const res = await post(admin, `${page}/activities`, {
        ...{ count: '', womenShare: '', kind: '', curriculum: '', module: '' },
        ...fields,
      });
      expect(res.status, fields.title).to.equal(303);
    };
    await add({
      title: 'PVE curriculum, first half',
      quarter: 'Q2',
      kind: 'curriculumCompleted',
      curriculum: w.curriculum.id as string,
      count: '2',
      womenShare: '30',
    });
    await add({
      title: 'PVE curriculum by Q1',
      quarter: 'Q1',
      kind: 'curriculumCompleted',
      curriculum: w.curriculum.id as string,
      count: '1',
    });
    await add({
      title: 'Module one',
      quarter: 'Q4',
      kind: 'moduleCompleted',
      module: w.pve1.id as string,
      count: '2',
    });
    await add({ title: 'Trainers', quarter: 'Q4', kind: 'trainersCertified', count: '1' });
    await add({ title: 'Steering committee', quarter: 'Q3' });
    const html = (await admin.get(page).expect(200)).text;
    expect(rows(html)).to.deep.equal([
      ['Q1', 'PVE curriculum by Q1', '0', '1 to go'],
      ['Q2', 'PVE curriculum, first half', '1 · 1 women (100 %)', '1 to go'],
      ['Q3', 'Steering committee', '—', '—'],
      ['Q4', 'Module one', '2 · 1 women (50 %)', 'Met'],
      ['Q4', 'Trainers', '1 · 0 women (0 %)', 'Met'],
    ]);
    // the same, as a file
    const file = await admin.get(`${page}/export?format=csv`).buffer(true).expect(200);
    const lines = parseCsv(file.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(lines.map((l) => [l.Quarter, l.Activity, l.Reached, l['Women reached (%)'], l.Gap])).to.deep.equal([
      ['Q1', 'PVE curriculum by Q1', '0', '', '1'],
      ['Q2', 'PVE curriculum, first half', '1', '100', '1'],
      ['Q3', 'Steering committee', '', '', ''],
      ['Q4', 'Module one', '2', '50', '0'],
      ['Q4', 'Trainers', '1', '0', '0'],
    ]);
  });

  it('refuses a target without its count or its curriculum, beside the field, and adds nothing', async () => {
    const w = await world();
    const admin = await signIn(app, w.admin.email!);
    const page = await newWorkplan(admin, w);
    const res = await post(admin, `${page}/activities`, {
      title: 'PVE',
      quarter: 'Q2',
      kind: 'curriculumCompleted',
      curriculum: '',
      module: '',
      count: '',
      womenShare: '',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('id="curriculum-error"');
    expect(res.text).to.include('value="PVE"');
    expect((await Workplan.findOne().orFail()).activities).to.have.length(0);
    const noYear = await post(admin, '/reports/workplans', { title: 'X', country: w.tn.id as string, year: 'soon' });
    expect(noYear.status).to.equal(422);
  });

  it('removes an activity after a confirmation, audited; only administrators may', async () => {
    const w = await world();
    const admin = await signIn(app, w.admin.email!);
    const page = await newWorkplan(admin, w);
    const added = await post(admin, `${page}/activities`, {
      ...{ count: '', womenShare: '', kind: '', curriculum: '', module: '' },
      title: 'Steering committee',
      quarter: 'Q3',
    });
    expect(added.status).to.equal(303);
    const activity = (await Workplan.findOne().orFail()).activities[0]!;
    const remove = `${page}/activities/${activity._id.toHexString()}/remove`;

    const coordinator = await signIn(app, w.coordinator.email!);
    await coordinator.get(remove).expect(403);
    expect((await post(coordinator, remove)).status).to.equal(403);

    expect((await admin.get(page).expect(200)).text).to.include(`href="${remove}"`);
    const confirm = await admin.get(remove).expect(200);
    expect(confirm.text).to.include('Remove this activity?');
    expect(confirm.text).to.include('Steering committee');
    await admin.get(`${page}/activities/${w.tn.id as string}/remove`).expect(404);
    expect((await Workplan.findOne().orFail()).activities).to.have.length(1);

    const removed = await post(admin, remove);
    expect(removed.status).to.equal(303);
    expect((await Workplan.findOne().orFail()).activities).to.have.length(0);
    const event = (await auditEvents('workplan.update')).at(-1);
    expect(event!.changes).to.deep.equal([{ field: 'activities', before: 'Steering committee' }]);
  });

  it('is for administrators only', async () => {
    const w = await world();
    const coordinator = await signIn(app, w.coordinator.email!);
    await coordinator.get('/reports/workplans').expect(403);
    const res = await post(coordinator, '/reports/workplans', { title: 'X', country: w.tn.id as string, year: '2026' });
    expect(res.status).to.equal(403);
    expect(await Workplan.countDocuments()).to.equal(0);
  });
});
