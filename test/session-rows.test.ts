import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { readStamp } from '../src/db/collection-stamps.ts';
import { decodesEveryMatch } from '../src/db/pushdown.ts';
import { recordPlaces } from '../src/sessions/sessions.service.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { signIn } from './support/http.ts';
import { links, visibleText } from './page-helpers.ts';
import { sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// An administrator's sessions list has no equality to narrow it: on FerretDB it is cut from
// every session's row kept in memory, read again only when a session changed, with the places
// of each venue kept apart and read again when a place there changed (decision 0017). It must
// be the list one query gives, and never stale.

describe("an administrator's sessions list, from the sessions' rows kept in memory", () => {
  let app: Express;
  let w: World;

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    w = await sessionsWorld();
  });

  const shownSessions = (html: string) => links(html).filter((href) => /^\/sessions\/[0-9a-f]{24}$/.test(href));
  const day = (i: number) => `2099-02-${String(i + 1).padStart(2, '0')}`;

  /** Sessions at every venue on days 1..n, two on day 5 (a tie, ordered by id); their links in date order. */
  async function sessionsAtEveryVenue(n: number) {
    const venues = [w.almaty, w.partner, w.elsewhere, w.kampala];
    const made: { href: string; at: string; venue: string; trainer: string; module: string }[] = [];
    for (let i = 0; i < n; i++) {
      const venue = venues[i % venues.length]!;
      const trainer = i % 3 === 0 ? w.people.coTrainer : w.people.trainer;
      const module = i % 4 === 0 ? w.modules.national : w.modules.pve;
      const date = day(i === 6 ? 5 : i);
      const session = await sessionIn(w, {
        institution: venue,
        module,
        trainers: [trainer],
        days: [{ date, start: '09:00', end: '10:00' }],
      });
      made.push({
        href: `/sessions/${session.id}`,
        at: `${date}|${session.id}`,
        venue: venue.id,
        trainer: trainer.id,
        module: module.id,
      });
    }
    return made.sort((a, b) => (a.at < b.at ? -1 : 1));
  }

  it('lists every venue in date order across pages, and keeps filters by module, trainer and dates', async () => {
    const made = await sessionsAtEveryVenue(28);
    const agent = await signIn(app, w.people.admin.email!);
    const first = await agent.get('/sessions?status=all').expect(200);
    expect(visibleText(first.text)).to.include('28 results');
    const second = await agent.get('/sessions?status=all&page=2').expect(200);
    expect([...shownSessions(first.text), ...shownSessions(second.text)]).to.deep.equal(made.map((m) => m.href));
    const beyond = await agent.get('/sessions?status=all&page=9').expect(200);
    expect(shownSessions(beyond.text)).to.deep.equal(shownSessions(second.text));

    const national = await agent.get(`/sessions?status=all&module=${w.modules.national.id}`).expect(200);
    expect(shownSessions(national.text)).to.deep.equal(
      made.filter((m) => m.module === w.modules.national.id).map((m) => m.href),
    );
    const coTrainer = await agent.get(`/sessions?status=all&trainer=${w.people.coTrainer.id}`).expect(200);
    expect(shownSessions(coTrainer.text)).to.deep.equal(
      made.filter((m) => m.trainer === w.people.coTrainer.id).map((m) => m.href),
    );
    const between = await agent.get(`/sessions?status=all&from=${day(3)}&to=${day(6)}`).expect(200);
    expect(shownSessions(between.text)).to.deep.equal(
      made.filter((m) => m.at.slice(0, 10) >= day(3) && m.at.slice(0, 10) <= day(6)).map((m) => m.href),
    );
    const venue = await agent.get(`/sessions?status=all&institution=${w.kampala.id}`).expect(200);
    expect(shownSessions(venue.text)).to.deep.equal(made.filter((m) => m.venue === w.kampala.id).map((m) => m.href));
  });

  it('lists past sessions latest first, and a draft filter only drafts', async () => {
    const older = await sessionIn(w, {
      status: 'completed',
      days: [{ date: '2021-03-02', start: '09:00', end: '17:00' }],
    });
    const newer = await sessionIn(w, {
      status: 'completed',
      institution: w.kampala,
      days: [{ date: '2022-03-02', start: '09:00', end: '17:00' }],
    });
    const draft = await sessionIn(w, {
      status: 'draft',
      institution: w.elsewhere,
      days: [{ date: day(1), start: '09:00', end: '17:00' }],
    });
    await sessionIn(w, { status: 'open', days: [{ date: day(2), start: '09:00', end: '17:00' }] });
    const agent = await signIn(app, w.people.admin.email!);
    const past = await agent.get('/sessions?status=past').expect(200);
    expect(shownSessions(past.text)).to.deep.equal([`/sessions/${newer.id}`, `/sessions/${older.id}`]);
    const drafts = await agent.get('/sessions?status=draft').expect(200);
    expect(shownSessions(drafts.text)).to.deep.equal([`/sessions/${draft.id}`]);
  });

  it('shows a change at once: a new session, an edit, a deletion; reads no session again while none changed', async () => {
    const agent = await signIn(app, w.people.admin.email!);
    const kept = await sessionIn(w, { status: 'open', days: [{ date: day(1), start: '09:00', end: '17:00' }] });
    expect(shownSessions((await agent.get('/sessions?status=open').expect(200)).text)).to.deep.equal([
      `/sessions/${kept.id}`,
    ]);

    const added = await sessionIn(w, {
      status: 'open',
      institution: w.kampala,
      days: [{ date: day(0), start: '09:00', end: '17:00' }],
    });
    expect(shownSessions((await agent.get('/sessions?status=open').expect(200)).text)).to.deep.equal([
      `/sessions/${added.id}`,
      `/sessions/${kept.id}`,
    ]);

    const edited = await TrainingSession.findById(kept.id).orFail();
    edited.status = 'cancelled';
    await edited.save();
    expect(shownSessions((await agent.get('/sessions?status=open').expect(200)).text)).to.deep.equal([
      `/sessions/${added.id}`,
    ]);

    await TrainingSession.deleteOne({ _id: added._id });
    expect(shownSessions((await agent.get('/sessions?status=open').expect(200)).text)).to.deep.equal([]);

    // a recount of places is no change of a row: the rows' stamp stays; the places show at once
    const stamp = await readStamp('training_sessions');
    await recordPlaces(kept._id, { seated: 3, waiting: 1, requested: 0 });
    expect(await readStamp('training_sessions')).to.equal(stamp);
    const { text, reads } = await listReadingSessions(agent, '/sessions?status=all');
    expect(shownSessions(text)).to.deep.equal([`/sessions/${kept.id}`]);
    expect(visibleText(text)).to.include('3/20 seated, 1 waiting');
    if (await decodesEveryMatch()) {
      // only the places of the venue whose places changed are read again, by its equality
      expect(reads.map((read) => read.filter)).to.deep.equal([{ institution: w.almaty._id }]);
      const again = await listReadingSessions(agent, '/sessions?status=all');
      expect(again.reads).to.deep.equal([]);
    }
  });

  it("shows each venue's places, read again only where a place changed, and follows a session to another venue", async () => {
    const agent = await signIn(app, w.people.admin.email!);
    const here = await sessionIn(w, { status: 'open', days: [{ date: day(1), start: '09:00', end: '17:00' }] });
    const there = await sessionIn(w, {
      status: 'open',
      institution: w.kampala,
      days: [{ date: day(2), start: '09:00', end: '17:00' }],
    });
    await recordPlaces(here._id, { seated: 4, waiting: 0, requested: 0 });
    await recordPlaces(there._id, { seated: 7, waiting: 2, requested: 0 });
    const fills = (text: string) => visibleText(text).match(/\d+\/20 seated, \d+ waiting/g);
    expect(fills((await listReadingSessions(agent, '/sessions?status=open')).text)).to.deep.equal([
      '4/20 seated, 0 waiting',
      '7/20 seated, 2 waiting',
    ]);

    await recordPlaces(there._id, { seated: 8, waiting: 2, requested: 0 });
    const afterOne = await listReadingSessions(agent, '/sessions?status=open');
    expect(fills(afterOne.text)).to.deep.equal(['4/20 seated, 0 waiting', '8/20 seated, 2 waiting']);
    if (await decodesEveryMatch()) {
      expect(afterOne.reads.map((read) => read.filter)).to.deep.equal([{ institution: w.kampala._id }]);
    }

    // moved to Almaty, then counted there; moved back to Kampala: never the count it had there
    await TrainingSession.updateOne({ _id: there._id }, { $set: { institution: w.almaty._id } });
    await recordPlaces(there._id, { seated: 1, waiting: 0, requested: 0 });
    expect(fills((await listReadingSessions(agent, '/sessions?status=open')).text)).to.deep.equal([
      '4/20 seated, 0 waiting',
      '1/20 seated, 0 waiting',
    ]);
    await TrainingSession.updateOne({ _id: there._id }, { $set: { institution: w.kampala._id } });
    expect(fills((await listReadingSessions(agent, '/sessions?status=open')).text)).to.deep.equal([
      '4/20 seated, 0 waiting',
      '1/20 seated, 0 waiting',
    ]);
  });

  /** The page, and the reads of sessions its request sent (collection, filter). */
  async function listReadingSessions(agent: Awaited<ReturnType<typeof signIn>>, path: string) {
    const sent: CommandStartedEvent[] = [];
    const listen = (event: CommandStartedEvent) => sent.push(event);
    mongoose.connection.getClient().on('commandStarted', listen);
    try {
      const { text } = await agent.get(path).expect(200);
      const reads = sent
        .filter((e) => e.commandName === 'find' && e.command.find === 'training_sessions')
        .map((e) => ({ filter: e.command.filter as object }));
      return { text, reads };
    } finally {
      mongoose.connection.getClient().off('commandStarted', listen);
    }
  }
});
