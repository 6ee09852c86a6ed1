import { expect } from 'chai';
import type { Express } from 'express';
import { Curriculum } from '../src/curricula/curriculum.model.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { DashboardFigures, monthsBetween } from '../src/reports/dashboard-figures.ts';
import { buildRecord } from './support/completion-records.ts';
import { buildApp } from './support/context.ts';
import { signIn } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// The dashboard (issue 14): sessions delivered, fill rate, completion rate and knowledge gain
// by month, institution and module, as charts drawn on the server with the same figures in
// tables, in each reader's scope.

describe('dashboard figures', () => {
  it('lists every month of the period, oldest first, across a year', () => {
    expect(monthsBetween('2025-11', '2026-02')).to.deep.equal(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-03', '2026-03')).to.deep.equal(['2026-03']);
    expect(monthsBetween('2026-04', '2026-03')).to.deep.equal([]);
  });

  it('counts sessions and records by month, institution and module, and leaves out other months', () => {
    const figures = new DashboardFigures(['2026-01', '2026-02']);
    figures.addSession({ month: '2026-01', institution: 'A', module: 'M', seated: 15, capacity: 20 });
    figures.addSession({ month: '2026-01', institution: 'B', module: 'M', seated: 5, capacity: 20 });
    figures.addSession({ month: '2025-12', institution: 'A', module: 'M', seated: 20, capacity: 20 });
    const record = { month: '2026-02', institution: 'A', module: 'M', pre: null, post: null } as const;
    figures.addRecord({ ...record, result: 'completed', status: 'valid', pre: 40, post: 70 });
    figures.addRecord({ ...record, result: 'not_completed', status: 'valid' });
    figures.addRecord({ ...record, result: 'completed', status: 'revoked' });
    const result = figures.result();
    expect(result.months).to.deep.equal([
      { key: '2026-01', delivered: 2, fillRate: 50, completionRate: null, gain: null },
      { key: '2026-02', delivered: 0, fillRate: null, completionRate: 50, gain: 30 },
    ]);
    expect(result.institutions.map((r) => [r.key, r.delivered, r.fillRate])).to.deep.equal([
      ['A', 1, 75],
      ['B', 1, 25],
    ]);
    expect(result.total).to.deep.include({ delivered: 2, fillRate: 50, completionRate: 50, gain: 30 });
  });
});

describe('the dashboard page', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world() {
    const w = await buildWorld({
      countries: { ug: { code: 'UG', name: 'Uganda' } },
      institutions: {
        academy: { country: 'ug', name: 'Uganda Prisons Academy' },
        luzira: { country: 'ug', name: 'Luzira Prison' },
      },
      people: {
        admin: { roles: ['admin'], at: null },
        coordinator: { roles: ['coordinator'], at: 'academy' },
        staff: { roles: ['staff'], at: 'academy', fullName: 'Amina Okello' },
        notYet: { roles: ['staff'], at: 'academy', fullName: 'Brian Mugisha' },
      },
      modules: { pve: { code: 'PVE-1', title: 'Preventing violent extremism', status: 'published' } },
      sessions: {
        march: { at: 'academy', module: 'pve', status: 'completed', capacity: 4, date: '2026-03-10' },
        april: { at: 'luzira', module: 'pve', status: 'completed', capacity: 10, date: '2026-04-14' },
        cancelled: { at: 'academy', module: 'pve', status: 'cancelled', capacity: 10, date: '2026-03-20' },
      },
    });
    await Enrolment.create([
      { session: w.sessions.march._id, person: w.people.staff._id, state: 'enrolled', seat: 1, source: 'self' },
      { session: w.sessions.march._id, person: w.people.admin._id, state: 'enrolled', seat: 2, source: 'self' },
    ]);
    const { academy } = w.institutions;
    await buildRecord(
      w.people.staff,
      w.modules.pve,
      { _id: academy._id, name: academy.name, country: academy.country },
      {
        startedOn: '2026-03-10',
        pre: 30,
        post: 75,
      },
    );
    return { ...w.people, pve: w.modules.pve, academy, luzira: w.institutions.luzira };
  }

  /** The rows of the table under the heading with this id. */
  function rows(html: string, id: string): string[][] {
    const body = html.split(`id="${id}"`)[1]?.split('</table>')[0]?.split('<tbody>')[1] ?? '';
    return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()),
    );
  }

  it('shows each month, institution and module with its figures, and a chart of each measure', async () => {
    const w = await world();
    const admin = await signIn(app, w.admin.email!);
    const res = await admin.get('/reports/dashboard?from=2026-03&to=2026-04').expect(200);
    expect(rows(res.text, 'by-month')).to.deep.equal([
      ['2026-03', '1', '50 %', '100 %', '45'],
      ['2026-04', '1', '0 %', '—', '—'],
    ]);
    expect(rows(res.text, 'by-institution')).to.deep.equal([
      ['Luzira Prison', '1', '0 %', '—', '—'],
      ['Uganda Prisons Academy', '1', '50 %', '100 %', '45'],
    ]);
    expect(res.text.match(/<svg [^>]*role="img"/g)).to.have.length(4);
    expect(res.text).to.include('<title id="delivered-title">Sessions delivered</title>');
  });

  it("with a curriculum: each institution's coverage now, as a chart and a table, in the reader's scope", async () => {
    const w = await world();
    const curriculum = await Curriculum.create({
      code: 'PVE',
      title: 'Preventing violent extremism',
      status: 'published',
      items: [{ module: w.pve._id, required: true }],
    });
    const admin = await signIn(app, w.admin.email!);
    const res = await admin
      .get(`/reports/dashboard?from=2026-03&to=2026-04&curriculum=${curriculum.id as string}`)
      .expect(200);
    // the academy's staff: Amina has PVE-1 done, Brian has not; Luzira has no staff
    expect(rows(res.text, 'coverage')).to.deep.equal([['Uganda Prisons Academy', '50 %', '1 of 2']]);
    expect(res.text).to.include('<title id="coverage-chart-title">Coverage (%)</title>');
    expect(res.text).to.match(/Coverage: <strong>50 %<\/strong>/);
    const without = await admin.get('/reports/dashboard?from=2026-03&to=2026-04').expect(200);
    expect(without.text).not.to.include('id="coverage"');
    const elsewhere = await admin
      .get(`/reports/dashboard?curriculum=${curriculum.id as string}&institution=${w.luzira.id as string}`)
      .expect(200);
    expect(elsewhere.text).to.include('No active staff');
  });

  it("keeps to a coordinator's institutions, and refuses a month that is not one", async () => {
    const w = await world();
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await coordinator.get('/reports/dashboard?from=2026-03&to=2026-04').expect(200);
    expect(rows(res.text, 'by-institution').map((r) => r[0])).to.deep.equal(['Uganda Prisons Academy']);
    const bad = await coordinator.get('/reports/dashboard?from=2026-13').expect(400);
    expect(bad.text).to.include('id="from-error"');
    await (await signIn(app, w.staff.email!)).get('/reports/dashboard').expect(403);
  });
});
