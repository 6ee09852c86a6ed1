import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Express } from 'express';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { TrainerQualification } from '../src/qualifications/trainer-qualification.model.ts';
import { auditEvents } from './support/audit.ts';
import { buildApp } from './support/context.ts';
import { daysFromNow } from './support/factories.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// The lists that export "the same way" as the completion records (issue 14, decision 0019): the
// sessions list, the people list, a session's roster with its attendance, and the trainers'
// records. Each: the rows its filters and the actor's scope give, read back by csv-parse, refused
// to those who may not see the list, and on the audit log.

describe('exports of the lists', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  const yesterday = daysFromNow(-1);
  const today = daysFromNow(0);

  async function world() {
    const w = await buildWorld({
      countries: { ug: { code: 'UG', name: 'Uganda' } },
      institutions: {
        academy: { country: 'ug', name: 'Uganda Prisons Academy' },
        luzira: { country: 'ug', name: 'Luzira Prison' },
      },
      people: {
        admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
        coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
        trainer: { roles: ['trainer'], at: 'academy', fullName: 'Tom Trainer', serviceNumber: 'UG-T1' },
        farTrainer: { roles: ['trainer'], at: 'luzira', fullName: 'Faith Trainer' },
        ana: { roles: ['staff'], at: 'academy', fullName: 'Ana Okello', serviceNumber: 'UG-1', rank: 'Sergeant' },
        boris: { roles: ['staff'], at: 'academy', fullName: 'Boris Mugisha', serviceNumber: 'UG-2' },
        far: { roles: ['staff'], at: 'luzira', fullName: 'Fred Far' },
      },
      modules: { pve: { code: 'PVE-1', title: 'Preventing violent extremism', status: 'published' } },
      sessions: {
        running: {
          at: 'academy',
          module: 'pve',
          trainers: ['trainer'],
          status: 'in_progress',
          days: [
            { date: yesterday, start: '09:00', end: '17:00' },
            { date: today, start: '00:00', end: '23:59' },
          ],
        },
        elsewhere: { at: 'luzira', module: 'pve', status: 'open' },
      },
    });
    const { running } = w.sessions;
    await Enrolment.create([
      { session: running._id, person: w.people.ana._id, state: 'enrolled', seat: 1, source: 'coordinator' },
      { session: running._id, person: w.people.boris._id, state: 'enrolled', seat: 2, source: 'coordinator' },
    ]);
    return { ...w.institutions, ...w.people, ...w.sessions, pve: w.modules.pve };
  }
  type W = Awaited<ReturnType<typeof world>>;

  async function csv(agent: Agent, path: string) {
    const res = await agent.get(path).buffer(true).expect(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename=/);
    return parseCsv(res.text, { bom: true, columns: true }) as Record<string, string>[];
  }

  let w: W;
  beforeEach(async () => {
    w = await world();
  });

  it("sessions: the list's rows with its filters, the coordinator's venues only", async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const rows = await csv(coordinator, '/sessions/export?format=csv&status=all');
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({
      'Module code': 'PVE-1',
      Module: 'Preventing violent extremism',
      Venue: 'Uganda Prisons Academy',
      Status: 'In progress',
      Seated: '2',
      Waiting: '0',
      Trainers: 'Tom Trainer',
      Days: '2',
    });
    expect(rows[0]!.Starts).to.equal(`${yesterday} 09:00`);
    const admin = await signIn(app, w.admin.email!);
    expect((await csv(admin, '/sessions/export?format=csv&status=all')).map((r) => r.Venue).sort()).to.deep.equal([
      'Luzira Prison',
      'Uganda Prisons Academy',
    ]);
    expect(await csv(admin, '/sessions/export?format=csv&status=open')).to.have.length(1);
    const events = await auditEvents('export.sessions');
    expect(events.map((e) => [e.actorName, e.rows, e.details])).to.deep.equal([
      ['Cora Coordinator', 1, { format: 'csv', filters: { status: 'all' } }],
      ['Ada Admin', 2, { format: 'csv', filters: { status: 'all' } }],
      ['Ada Admin', 1, { format: 'csv', filters: { status: 'open' } }],
    ]);
    await (await signIn(app, w.ana.email!)).get('/sessions/export?format=csv').expect(403);
  });

  it("people: the list's rows with its filters, the coordinator's scope only", async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const rows = await csv(coordinator, '/people/export?format=csv&role=staff');
    expect(rows.map((r) => r.Name)).to.deep.equal(['Ana Okello', 'Boris Mugisha']);
    expect(rows[0]).to.deep.include({
      'Service number': 'UG-1',
      Rank: 'Sergeant',
      Roles: 'Staff',
      Institution: 'Uganda Prisons Academy',
      Status: 'Active',
    });
    const admin = await signIn(app, w.admin.email!);
    expect((await csv(admin, '/people/export?format=csv&q=far')).map((r) => r.Name)).to.deep.equal(['Fred Far']);
    const [event] = await auditEvents('export.people').then((events) =>
      events.filter((e) => e.actorName === 'Ada Admin'),
    );
    expect(event).to.deep.include({ rows: 1 });
    expect(event!.details).to.deep.equal({ format: 'csv', filters: { q: 'far', status: 'active' } });
    await (await signIn(app, w.trainer.email!)).get('/people/export?format=csv').expect(403);
  });

  it("a session's roster with its attendance: a column a day, the days attended, for those who see it", async () => {
    const base = `/sessions/${w.running.id as string}/attendance`;
    const trainer = await signIn(app, w.trainer.email!);
    await post(trainer, `${base}/${today}`, {
      [`status_${w.ana.id as string}`]: 'present',
      [`status_${w.boris.id as string}`]: 'late',
      [`minutes_${w.boris.id as string}`]: '300',
    }).then((res) => expect(res.status).to.equal(303));
    const rows = await csv(trainer, `${base}/export?format=csv`);
    expect(rows.map((r) => [r.Name, r['Service number'], r[yesterday], r[today], r['Days attended']])).to.deep.equal([
      ['Ana Okello', 'UG-1', 'Not marked yet', 'Present', '1'],
      ['Boris Mugisha', 'UG-2', 'Not marked yet', 'Late (300 min)', '1'],
    ]);
    // the overview page says the minutes the same way
    expect((await trainer.get(base).expect(200)).text).to.include('300 min');
    expect(rows[0]!['Time attended %'], 'a whole day of 24 h present, 8 h not marked').to.equal('75');
    const [event] = await auditEvents('export.attendance');
    expect(event!.details).to.deep.equal({ format: 'csv', filters: { session: w.running.id as string } });
    expect(event!.institutions.map(String)).to.deep.equal([w.academy.id as string]);
    // staff who see the session (their country's) may not see its attendance
    await (await signIn(app, w.far.email!)).get(`${base}/export?format=csv`).expect(403);
  });

  it("trainers: each qualification of the scope's trainers, and those with none", async () => {
    await TrainerQualification.create({
      trainer: w.trainer._id,
      module: w.pve._id,
      qualifiedOn: new Date('2026-02-01T00:00:00Z'),
      recordedBy: w.coordinator._id,
    });
    const coordinator = await signIn(app, w.coordinator.email!);
    const rows = await csv(coordinator, '/trainers/export?format=csv');
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({
      Trainer: 'Tom Trainer',
      'Service number': 'UG-T1',
      Institution: 'Uganda Prisons Academy',
      'Module code': 'PVE-1',
      'Qualified to deliver': 'Preventing violent extremism',
      Since: '2026-02-01',
      'Where it came from': 'Recorded by hand',
      'Recorded by': 'Cora Coordinator',
    });
    const admin = await signIn(app, w.admin.email!);
    const all = await csv(admin, '/trainers/export?format=csv');
    expect(all.map((r) => [r.Trainer, r['Qualified to deliver']])).to.deep.equal([
      ['Faith Trainer', 'No qualification yet'],
      ['Tom Trainer', 'Preventing violent extremism'],
    ]);
    await (await signIn(app, w.trainer.email!)).get('/trainers/export?format=csv').expect(403);
  });
});
