import { expect } from 'chai';
import type { Express } from 'express';
import { auditEvents } from './support/audit.ts';
import { buildApp } from './support/context.ts';
import { post, signIn, type Agent, type FormFields } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// The audit log (issue 14, decision 0019): changes to people with what changed, every look at
// someone else's page or transcript, and the log's page with its filters, in each reader's scope.

describe('the audit log', () => {
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
        admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
        coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
        farCoordinator: { roles: ['coordinator'], at: 'luzira', fullName: 'Fay Coordinator' },
        trainer: { roles: ['trainer'], at: 'academy', fullName: 'Tom Trainer' },
        amina: { roles: ['staff'], at: 'academy', fullName: 'Amina Okello', rank: 'Corporal', gender: 'female' },
        fred: { roles: ['staff'], at: 'luzira', fullName: 'Fred Far' },
      },
    });
    return { ...w.institutions, ...w.people };
  }
  type W = Awaited<ReturnType<typeof world>>;
  let w: W;
  beforeEach(async () => {
    w = await world();
  });

  const form = (w: W, fields: FormFields = {}): FormFields => ({
    fullName: 'Amina Okello',
    email: w.amina.email!,
    serviceNumber: '',
    rank: 'Corporal',
    gender: 'female',
    institution: w.academy.id as string,
    roles: ['staff'],
    scopeInstitutions: [],
    language: 'en',
    revision: '0',
    ...fields,
  });

  it('records a change of a person: who, when, from where, each changed field before and after', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await post(
      coordinator,
      `/people/${w.amina.id as string}`,
      form(w, { fullName: 'Amina Nakato', rank: 'Sergeant' }),
    );
    expect(res.status).to.equal(303);
    const [event] = await auditEvents('person.update');
    expect(event).to.deep.include({ actorName: 'Cora Coordinator', subject: 'users' });
    expect(event!.subjectId?.toHexString()).to.equal(w.amina.id);
    expect(event!.address).to.match(/127\.0\.0\.1/);
    expect(event!.month).to.equal(new Date().toISOString().slice(0, 7));
    expect(event!.institutions.map(String)).to.deep.equal([w.academy.id]);
    expect(event!.changes).to.deep.equal([
      { field: 'fullName', before: 'Amina Okello', after: 'Amina Nakato' },
      { field: 'rank', before: 'Corporal', after: 'Sergeant' },
    ]);

    // the log's page names each changed field in the reader's language
    const page = (await coordinator.get('/reports/audit?action=person.update').expect(200)).text;
    expect(page).to.include('<bdi>Full name</bdi>: <bdi>Amina Okello</bdi> → <bdi>Amina Nakato</bdi>');

    await post(coordinator, `/people/${w.amina.id as string}/deactivate`);
    const [deactivated] = await auditEvents('person.deactivate');
    expect(deactivated!.changes).to.deep.equal([{ field: 'active', before: 'true', after: 'false' }]);
  });

  it('records a new person with every field given', async () => {
    const admin = await signIn(app, w.admin.email!);
    const res = await post(admin, '/people', form(w, { fullName: 'New Officer', email: '', revision: undefined }));
    expect(res.status).to.equal(303);
    const [event] = await auditEvents('person.create');
    expect(event!.changes.map((c) => [c.field, c.before, c.after])).to.deep.include.members([
      ['fullName', undefined, 'New Officer'],
      ['rank', undefined, 'Corporal'],
      ['roles', undefined, 'staff'],
    ]);
  });

  it("records opening someone else's page or transcript, never one's own", async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    await coordinator.get(`/people/${w.amina.id as string}`).expect(200);
    await coordinator.get(`/people/${w.amina.id as string}/transcript`).expect(200);
    await coordinator.get(`/people/${w.amina.id as string}/transcript.pdf`).expect(200);
    await coordinator.get(`/people/${w.coordinator.id as string}`).expect(200);
    const amina = await signIn(app, w.amina.email!);
    await amina.get('/my-transcript').expect(200);
    const events = await auditEvents();
    expect(events.map((e) => [e.action, e.actorName, e.subjectId?.toHexString(), e.details ?? {}])).to.deep.equal([
      ['person.view', 'Cora Coordinator', w.amina.id, {}],
      ['transcript.view', 'Cora Coordinator', w.amina.id, {}],
      ['transcript.view', 'Cora Coordinator', w.amina.id, { format: 'pdf' }],
    ]);
  });

  /** The actions listed on the log's page, as its table shows them. */
  const listed = async (agent: Agent, query = '') =>
    [
      ...(await agent.get(`/reports/audit${query}`).expect(200)).text.matchAll(
        /<td data-label="Action">([^<]*)<\/td>/g,
      ),
    ].map((m) => m[1]);

  it('lists the events newest first, filtered by action, actor and record; coordinators see their scope only', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const far = await signIn(app, w.farCoordinator.email!);
    await coordinator.get(`/people/${w.amina.id as string}`).expect(200);
    await far.get(`/people/${w.fred.id as string}`).expect(200);
    await coordinator.get(`/people/${w.amina.id as string}/transcript`).expect(200);

    const admin = await signIn(app, w.admin.email!);
    expect(await listed(admin)).to.deep.equal(['Transcript opened', 'Person page opened', 'Person page opened']);
    expect(await listed(admin, '?action=transcript.view')).to.deep.equal(['Transcript opened']);
    expect(await listed(admin, `?actor=${w.farCoordinator.id as string}`)).to.deep.equal(['Person page opened']);
    expect(await listed(admin, `?subject=${w.amina.id as string}`)).to.deep.equal([
      'Transcript opened',
      'Person page opened',
    ]);
    expect(await listed(admin, '?month=2020-01')).to.deep.equal([]);
    // the academy's coordinator sees the academy's events, not Luzira's
    expect(await listed(coordinator)).to.deep.equal(['Transcript opened', 'Person page opened']);
    expect(await listed(far)).to.deep.equal(['Person page opened']);
  });

  it('is refused to trainers and staff', async () => {
    await (await signIn(app, w.trainer.email!)).get('/reports/audit').expect(403);
    await (await signIn(app, w.amina.email!)).get('/reports/audit').expect(403);
  });
});
