import { expect } from 'chai';
import type { Express } from 'express';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { SeatClaim, WaitlistClaim } from '../src/enrolments/seat-claim.model.ts';
import { buildApp } from './support/context.ts';
import { buildCountry, buildInstitution, buildTrainingSession, buildUser } from './support/factories.ts';
import { multipart } from './support/files.ts';
import type { Response } from 'supertest';
import { csrfFrom, post, signIn, type Agent } from './support/http.ts';
import { expectNoMissingTranslations, visibleText } from './page-helpers.ts';
import { placesOf } from './support/places.ts';

/** The result table as [value, outcome] pairs. */
function outcomes(html: string): string[][] {
  return [
    ...html.matchAll(
      /<tr class="outcome-[^"]*"><td>\d+<\/td><td>((?:<bdi>)?[^<]*(?:<\/bdi>)?)<\/td><td>([^<]*)<\/td><\/tr>/g,
    ),
  ].map((m) => [m[1]!.replace(/<\/?bdi>/g, ''), m[2]!]);
}

/** A bulk form's answer, as the person sees it: a redirect (303) to the roster, which shows the result once. */
async function resultPage(agent: Agent, res: Response): Promise<string> {
  expect(res.status, res.text.slice(0, 300)).to.equal(303);
  const page = await agent.get(res.headers.location!);
  expect(page.status).to.equal(200);
  return page.text;
}

describe('bulk enrolment', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function setting(capacity = 1) {
    const country = await buildCountry();
    const institution = await buildInstitution({ country: country._id });
    const session = await buildTrainingSession({ venue: institution, capacity });
    const coordinator = await buildUser({ roles: ['coordinator'], institution, scopeInstitutions: [institution] });
    return { country, institution, session, coordinator, agent: await signIn(app, coordinator.email!) };
  }

  async function upload(agent: Agent, sessionId: string, name: string, content: Buffer) {
    const page = await agent.get(`/sessions/${sessionId}/enrolments`);
    const action = /action="(\/sessions\/[^"]+\/upload)"/.exec(page.text)![1]!;
    const { body, contentType } = multipart({ _csrf: csrfFrom(page.text) }, [{ field: 'file', name, content }]);
    return agent.post(action).set('Content-Type', contentType).send(body);
  }

  it('reports every row of a CSV: waitlisted (another prison of the country too), already, not found, duplicate', async () => {
    const { institution, country, session, agent } = await setting(1);
    const a = await buildUser({ institution, serviceNumber: 'A-1' });
    await buildUser({ institution, serviceNumber: 'B-2' });
    const c = await buildUser({ institution, serviceNumber: 'C-3' });
    const outside = await buildInstitution({ country: country._id });
    await buildUser({ institution: outside, serviceNumber: 'D-4' });
    await post(await signIn(app, c.email!), `/sessions/${session.id as string}/enrolments/enrol`);
    // c took the only seat: a and b queue
    const csv = 'service number\nA-1\nb-2\nC-3\nZ-9\nD-4\nA-1\n';
    const res = await upload(agent, session.id as string, 'people.csv', Buffer.from(csv));
    const html = await resultPage(agent, res);
    expectNoMissingTranslations(html);
    expect(outcomes(html)).to.deep.equal([
      ['A-1', 'Added to the waiting list'],
      ['b-2', 'Added to the waiting list'],
      ['C-3', 'Already enrolled'],
      ['Z-9', 'Not found among the people you may enrol'],
      ['D-4', 'Added to the waiting list'],
      ['A-1', 'Duplicate row'],
    ]);
    const places = await placesOf(session._id);
    expect(places.enrolments).to.have.length(4);
    expect(places.waits.map((w) => w.number)).to.deep.equal([1, 2, 3]);
    expect((await Enrolment.findOne({ person: a._id }).orFail()).source).to.equal('csv');
  });

  it('enrols whoever could enrol themselves; names nobody else: abroad, its trainer, oneself read like unknown ids', async () => {
    const { institution, session, coordinator, agent } = await setting(5);
    const inScope = await buildUser({ institution, fullName: 'Inside Person' });
    const prison = await buildUser({
      institution: await buildInstitution({ country: institution.country }),
      fullName: 'Prison Person',
    });
    const abroad = await buildUser({ fullName: 'Abroad Person' });
    const trainer = await buildUser({ roles: ['trainer'], institution, fullName: 'Trainer Person' });
    await TrainingSession.updateOne({ _id: session._id }, { $set: { trainers: [{ person: trainer._id }] } });
    const unknown = '0123456789abcdef01234567';
    const ids = [abroad.id as string, trainer.id as string, coordinator.id as string, unknown];
    const res = await post(agent, `/sessions/${session.id as string}/enrolments/bulk`, {
      people: [inScope.id as string, prison.id as string, ...ids, ...ids],
    });
    const html = await resultPage(agent, res);
    expectNoMissingTranslations(html);
    const notFound = 'Not found among the people you may enrol';
    // each row shows what was sent, and the same answer, the second time too
    expect(outcomes(html)).to.deep.equal([
      ['Inside Person', 'Enrolled'],
      ['Prison Person', 'Enrolled'],
      ...[...ids, ...ids].map((id) => [id, notFound]),
    ]);
    for (const name of ['Abroad Person', 'Trainer Person']) expect(html).not.to.include(name);
    expect((await placesOf(session._id)).enrolments.map((e) => e.person.toHexString())).to.have.members([
      inScope.id as string,
      prison.id as string,
    ]);
  });

  it("the service number of someone who could not enrol themselves (the session's trainer) reads like an unknown one", async () => {
    const { country, session, agent } = await setting(5);
    const trainer = await buildUser({
      roles: ['trainer'],
      institution: await buildInstitution({ country: country._id }),
      serviceNumber: 'D-4',
    });
    await TrainingSession.updateOne({ _id: session._id }, { $set: { trainers: [{ person: trainer._id }] } });
    const res = await upload(agent, session.id as string, 'people.csv', Buffer.from('D-4\nZ-9\nd-4\nz-9\n'));
    const html = await resultPage(agent, res);
    const notFound = 'Not found among the people you may enrol';
    expect(outcomes(html)).to.deep.equal([
      ['D-4', notFound],
      ['Z-9', notFound],
      ['d-4', notFound],
      ['z-9', notFound],
    ]);
    expect(await Enrolment.countDocuments({})).to.equal(0);
  });

  it('enrols the people ticked in the list, seats first', async () => {
    const { institution, session, agent } = await setting(2);
    const people = [
      await buildUser({ institution }),
      await buildUser({ institution }),
      await buildUser({ institution }),
    ];
    const page = await agent.get(`/sessions/${session.id as string}/enrolments`);
    for (const p of people) expect(page.text).to.include(`value="${p.id as string}"`);
    const res = await post(agent, `/sessions/${session.id as string}/enrolments/bulk`, {
      people: people.map((p) => p.id as string),
    });
    const html = await resultPage(agent, res);
    expect(outcomes(html).map((o) => o[1])).to.deep.equal(['Enrolled', 'Enrolled', 'Added to the waiting list']);
    const none = await post(agent, `/sessions/${session.id as string}/enrolments/bulk`, {});
    expect(none.status).to.equal(422);
  });

  it('refuses a file that is not CSV, an empty one and one over 1000 rows, enrolling nobody', async () => {
    const { institution, session, agent } = await setting(5);
    await buildUser({ institution, serviceNumber: 'A-1' });
    const binary = await upload(agent, session.id as string, 'people.xlsx', Buffer.from([0x50, 0x4b, 3, 4, 0, 0]));
    expect(binary.status).to.equal(422);
    expect(visibleText(binary.text)).to.include('This is not a CSV file.');
    const huge = 'A-1\n'.repeat(1001);
    const tooMany = await upload(agent, session.id as string, 'people.csv', Buffer.from(huge));
    expect(tooMany.status).to.equal(422);
    expect(visibleText(tooMany.text)).to.include('more than 1000 rows');
    const empty = await upload(agent, session.id as string, 'people.csv', Buffer.from('service number\n'));
    expect(empty.status).to.equal(422);
    expect(await Enrolment.countDocuments({})).to.equal(0);
  });

  it('refuses uploads without the CSRF token and from staff', async () => {
    const { institution, session } = await setting();
    const person = await buildUser({ institution, serviceNumber: 'A-1' });
    const staff = await signIn(app, person.email!);
    const { body, contentType } = multipart({}, [{ field: 'file', name: 'a.csv', content: Buffer.from('A-1\n') }]);
    const noToken = await staff
      .post(`/sessions/${session.id as string}/enrolments/upload`)
      .set('Content-Type', contentType)
      .send(body);
    expect(noToken.status).to.equal(403);
    expect(await Enrolment.countDocuments({})).to.equal(0);
  });

  it('leaves nothing of a row behind when its placement fails', async () => {
    const { institution, session, agent } = await setting(1);
    await buildUser({ institution, serviceNumber: 'A-1' });
    await buildUser({ institution, serviceNumber: 'B-2' });
    // a broken waitlist: the claim insert fails with something other than a duplicate
    const original = WaitlistClaim.create.bind(WaitlistClaim);
    let calls = 0;
    (WaitlistClaim as unknown as { create: unknown }).create = (...args: unknown[]) => {
      calls++;
      throw new Error(`disk full ${args.length}`);
    };
    try {
      const res = await upload(agent, session.id as string, 'people.csv', Buffer.from('A-1\nB-2\n'));
      const html = await resultPage(agent, res);
      expect(outcomes(html).map((o) => o[1])).to.deep.equal([
        'Enrolled',
        'Not enrolled: something went wrong, nothing was kept',
      ]);
    } finally {
      (WaitlistClaim as unknown as { create: unknown }).create = original;
    }
    expect(calls).to.equal(1);
    expect(await Enrolment.countDocuments({ session: session._id })).to.equal(1);
    expect(await SeatClaim.countDocuments({ session: session._id })).to.equal(1);
    expect(await WaitlistClaim.countDocuments({ session: session._id })).to.equal(0);
  });

  it('shows the result once, on the roster it redirects to: a refresh neither enrols again nor shows it again', async () => {
    const { institution, session, agent } = await setting(5);
    const person = await buildUser({ institution, serviceNumber: 'A-1' });
    const res = await upload(agent, session.id as string, 'people.csv', Buffer.from('A-1\n'));
    expect(res.headers.location).to.equal(`/sessions/${session.id as string}/enrolments#result`);
    const html = await resultPage(agent, res);
    expect(outcomes(html)).to.deep.equal([['A-1', 'Enrolled']]);
    expect(visibleText(html)).to.include('Enrolled: 1');
    const again = await agent.get(`/sessions/${session.id as string}/enrolments`);
    expect(outcomes(again.text)).to.deep.equal([]);
    expect(again.text).not.to.include('id="result"');
    expect(await Enrolment.countDocuments({ person: person._id })).to.equal(1);
  });

  it('keeps the first 500 rows of a long result for the next page, and says how many were processed', async () => {
    const { session, agent } = await setting(5);
    const csv = Array.from({ length: 700 }, (_, i) => `N-${i}`).join('\n');
    const html = await resultPage(agent, await upload(agent, session.id as string, 'people.csv', Buffer.from(csv)));
    expect(outcomes(html)).to.have.length(500);
    expect(visibleText(html)).to.include('The first 500 rows are shown; all 700 rows were processed.');
    expect(visibleText(html)).to.include('Not found among the people you may enrol: 700');
  });

  it("carries the upload's token in the form body, never in its address, and refuses it in the query string", async () => {
    const { institution, session, agent } = await setting(5);
    await buildUser({ institution, serviceNumber: 'A-1' });
    const page = await agent.get(`/sessions/${session.id as string}/enrolments`);
    expect(page.text).to.include(`action="/sessions/${session.id as string}/enrolments/upload"`);
    expect(page.text).not.to.match(/upload\?_csrf=/);
    const { body, contentType } = multipart({}, [{ field: 'file', name: 'a.csv', content: Buffer.from('A-1\n') }]);
    const inQuery = await agent
      .post(`/sessions/${session.id as string}/enrolments/upload?_csrf=${encodeURIComponent(csrfFrom(page.text))}`)
      .set('Content-Type', contentType)
      .send(body);
    expect(inQuery.status).to.equal(403);
    expect(await Enrolment.countDocuments({})).to.equal(0);
  });

  it('refuses a file over 1 MB beside the field, with the summary at the top of the page', async () => {
    const { session, agent } = await setting(5);
    const res = await upload(agent, session.id as string, 'big.csv', Buffer.alloc(1024 * 1024 + 10, 'A\n'));
    expect(res.status).to.equal(422);
    const text = visibleText(res.text);
    expect(text).to.include('The file is larger than 1 MB.');
    const summary = text.indexOf('Some fields need attention');
    expect(summary).to.be.greaterThan(-1);
    expect(summary, 'the summary comes before the roster').to.be.lessThan(text.indexOf('Enrolled ('));
  });
});
