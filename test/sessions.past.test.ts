import { expect } from 'chai';
import type { Express } from 'express';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { signIn, post, type Agent } from './support/http.ts';
import { expectNoMissingTranslations, fieldError, visibleText } from './page-helpers.ts';
import { sessionForm, sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// A session whose first day is over may be recorded on purpose (training already held): the
// form asks once, and the list shows it as past rather than current.

const PAST = '2020-03-02';
const FUTURE = '2099-03-02';
const day = (date: string) => ({ date: [date, '', '', '', ''] });
const WARNING = 'The first day of this session is already over.';
const CONFIRM = 'Yes, this session is already held: record it';

describe('sessions in the past', () => {
  let app: Express;
  let w: World;
  let agent: Agent;

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    w = await sessionsWorld();
    agent = await signIn(app, w.people.coordinator.email!);
  });

  it('a new session whose first day is over comes back with a warning and a box; ticked, it is saved', async () => {
    const refused = await post(agent, '/sessions', sessionForm(w, { ...day(PAST), pastConfirmed: '' }));
    expect(refused.status).to.equal(422);
    expectNoMissingTranslations(refused.text);
    expect(fieldError(refused.text, 'pastConfirmed')).to.include(WARNING);
    expect(visibleText(refused.text)).to.include(CONFIRM);
    expect(refused.text).to.include('value="2020-03-02"');
    expect(await TrainingSession.countDocuments()).to.equal(0);

    const saved = await post(agent, '/sessions', sessionForm(w, { ...day(PAST), pastConfirmed: 'on' }));
    expect(saved.status, saved.text).to.equal(303);
    expect((await TrainingSession.findOne().orFail()).days[0]!.date).to.equal(PAST);
  });

  it('a session still to come is saved without the question', async () => {
    const form = await agent.get('/sessions/new').expect(200);
    expect(visibleText(form.text)).not.to.include(CONFIRM);
    const saved = await post(agent, '/sessions', sessionForm(w, { ...day(FUTURE), pastConfirmed: '' }));
    expect(saved.status, saved.text).to.equal(303);
  });

  it('a copy dated in the past asks too', async () => {
    const source = await sessionIn(w, { days: [{ date: PAST, start: '09:00', end: '17:00' }] });
    const copy = await agent.get(`/sessions/new?copy=${source.id}&shift=week`).expect(200);
    expect(copy.text).to.include('value="2020-03-09"');
    const refused = await post(agent, '/sessions', sessionForm(w, { ...day('2020-03-09'), pastConfirmed: '' }));
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, 'pastConfirmed')).to.include(WARNING);
  });

  it('an edit asks when it moves the first day into the past, not when it keeps the days of a session held', async () => {
    const held = await sessionIn(w, { status: 'open', days: [{ date: PAST, start: '09:00', end: '17:00' }] });
    const notes = sessionForm(w, { ...day(PAST), notes: 'Bring ID', pastConfirmed: '' });
    expect((await post(agent, `/sessions/${held.id}`, notes)).status).to.equal(303);

    const coming = await sessionIn(w, { status: 'open', days: [{ date: FUTURE, start: '09:00', end: '17:00' }] });
    const moved = await post(agent, `/sessions/${coming.id}`, sessionForm(w, { ...day(PAST), pastConfirmed: '' }));
    expect(moved.status).to.equal(422);
    expect(fieldError(moved.text, 'pastConfirmed')).to.include(WARNING);
    expect((await TrainingSession.findById(coming.id).orFail()).days[0]!.date).to.equal(FUTURE);
  });

  it('"Current" lists sessions not yet over; "Past" lists those over, the latest first, marked as over', async () => {
    await sessionIn(w, { status: 'open', days: [{ date: PAST, start: '09:00', end: '17:00' }] });
    await sessionIn(w, { status: 'completed', days: [{ date: '2021-03-02', start: '09:00', end: '17:00' }] });
    await sessionIn(w, { status: 'cancelled', days: [{ date: '2022-03-02', start: '09:00', end: '17:00' }] });
    await sessionIn(w, { status: 'open', days: [{ date: FUTURE, start: '09:00', end: '17:00' }] });

    const current = visibleText((await agent.get('/sessions').expect(200)).text);
    expect(current).to.include('1 result');
    expect(current).to.include('2099');
    expect(current).not.to.include('2020');

    const pastPage = await agent.get('/sessions?status=past').expect(200);
    expectNoMissingTranslations(pastPage.text);
    const past = visibleText(pastPage.text);
    expect(past).to.include('2 results');
    expect(past.indexOf('2021')).to.be.lessThan(past.indexOf('2020'));
    expect(past).to.include('Open (over)');
    expect(past).not.to.include('2022');
    expect(pastPage.text).to.match(/<option value="past" selected>Past<\/option>/);
  });
});
