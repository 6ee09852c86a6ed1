import { expect } from 'chai';
import type { Express } from 'express';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { auditEvents } from './support/audit.ts';
import { buildRecord } from './support/completions.ts';
import { buildApp } from './support/context.ts';
import { daysFromNow } from './support/factories.ts';
import { post, signIn } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// The audit log's change events beyond people (issue 14, decision 0019): each change made
// through the pages is recorded with who, from where, the record and what became of it.

describe('the audit log: changes of sessions, enrolments, attendance and records', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world() {
    const w = await buildWorld({
      countries: { ug: { code: 'UG', name: 'Uganda' } },
      institutions: { academy: { country: 'ug', name: 'Uganda Prisons Academy' } },
      people: {
        coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
        trainer: { roles: ['trainer'], at: 'academy', fullName: 'Tom Trainer' },
        amina: { roles: ['staff'], at: 'academy', fullName: 'Amina Okello' },
      },
      modules: { pve: { code: 'PVE-1', title: 'Preventing violent extremism', status: 'published' } },
      sessions: {
        open: { at: 'academy', module: 'pve', status: 'open', trainers: ['trainer'], date: daysFromNow(20) },
        // all of today, whatever the hour the suite runs at: a day is marked once it has begun
        running: {
          at: 'academy',
          module: 'pve',
          status: 'in_progress',
          trainers: ['trainer'],
          date: daysFromNow(0),
          start: '00:00',
          end: '23:59',
        },
      },
    });
    return { ...w.institutions, ...w.people, ...w.modules, ...w.sessions, country: w.countries.ug };
  }

  it('records an enrolment and its withdrawal, and a session moved on and cancelled, with the address', async () => {
    const w = await world();
    const amina = await signIn(app, w.amina.email!);
    expect((await post(amina, `/sessions/${w.open.id as string}/enrolments/enrol`)).status).to.equal(303);
    expect((await post(amina, `/sessions/${w.open.id as string}/enrolments/withdraw`)).status).to.equal(303);
    const [enrolled] = await auditEvents('enrolment.create');
    expect(enrolled).to.deep.include({ actorName: 'Amina Okello', subject: 'enrolments' });
    expect(enrolled!.address).to.match(/127\.0\.0\.1/);
    expect(enrolled!.details).to.deep.include({ source: 'self', outcome: 'enrolled', session: w.open.id });
    expect(enrolled!.institutions.map(String)).to.deep.equal([w.academy.id]);
    const [withdrawn] = await auditEvents('enrolment.withdraw');
    expect(withdrawn!.details).to.deep.include({ was: 'enrolled' });

    const coordinator = await signIn(app, w.coordinator.email!);
    expect((await post(coordinator, `/sessions/${w.open.id as string}/start`)).status).to.equal(303);
    const [moved] = await auditEvents('session.status');
    expect(moved!.changes).to.deep.equal([{ field: 'status', before: 'open', after: 'in_progress' }]);
    expect(
      (await post(coordinator, `/sessions/${w.open.id as string}/cancel`, { reason: 'Venue flooded' })).status,
    ).to.equal(303);
    const [cancelled] = await auditEvents('session.cancel');
    expect(cancelled!.changes).to.deep.equal([{ field: 'status', before: 'in_progress', after: 'cancelled' }]);
    expect(cancelled!.details).to.deep.equal({ reason: 'Venue flooded' });
  });

  it("records a day's attendance marked, each participant's status", async () => {
    const w = await world();
    await Enrolment.create({
      session: w.running._id,
      person: w.amina._id,
      state: 'enrolled',
      seat: 1,
      source: 'coordinator',
    });
    const trainer = await signIn(app, w.trainer.email!);
    const res = await post(trainer, `/sessions/${w.running.id as string}/attendance/${daysFromNow(0)}`, {
      [`status_${w.amina.id as string}`]: 'present',
    });
    expect(res.status).to.equal(303);
    const [marked] = await auditEvents('attendance.mark');
    expect(marked).to.deep.include({ actorName: 'Tom Trainer', subject: 'training_sessions' });
    expect(marked!.changes).to.deep.equal([{ field: 'Amina Okello', after: 'present' }]);
    expect(marked!.details).to.deep.include({ date: daysFromNow(0), marked: 1 });
  });

  it('records a completion record revoked, with the reason', async () => {
    const w = await world();
    const record = await buildRecord({ person: w.amina, module: w.pve, institution: w.academy, country: w.country });
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await post(coordinator, `/completions/${record.id as string}/revoke`, {
      reason: 'Issued in error',
      revision: '1',
    });
    expect(res.status).to.equal(303);
    const [revoked] = await auditEvents('completion.revoke');
    expect(revoked!.changes).to.deep.equal([{ field: 'status', before: 'valid', after: 'revoked' }]);
    expect(revoked!.details).to.deep.equal({ reason: 'Issued in error' });
    expect(revoked!.subjectId?.toHexString()).to.equal(record.id);
  });
});
