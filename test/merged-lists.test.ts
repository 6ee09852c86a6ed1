import { expect } from 'chai';
import type { Express } from 'express';
import { buildApp } from './support/context.ts';
import { signIn } from './support/http.ts';
import { buildUser } from './support/factories.ts';
import { links, visibleText } from './page-helpers.ts';
import { sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// The sessions and people lists read a coordinator's institutions one query each and merge them
// (decision 0005): what they see must be one list, in order, paged as if read at once.

describe('merged lists: a coordinator of several institutions', () => {
  let app: Express;
  let w: World;

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    w = await sessionsWorld();
  });

  /** The sessions a list page links to, in the order shown. */
  const shownSessions = (html: string) => links(html).filter((href) => /^\/sessions\/[0-9a-f]{24}$/.test(href));

  it("sees both venues' sessions merged in date order across pages, and no other venue's", async () => {
    const expected: { id: string; at: string }[] = [];
    const partnerIds: string[] = [];
    // Almaty on even days, Partner on odd ones, Elsewhere (out of scope) among them; the 10th
    // and 11th are on the same day at both venues: the tie goes by id, as one query orders it
    for (let i = 0; i < 30; i++) {
      const venue = i % 2 === 0 ? w.almaty : w.partner;
      const date = `2099-01-${String(Math.min(i, 10) + Math.max(0, i - 11) + 1).padStart(2, '0')}`;
      const session = await sessionIn(w, { institution: venue, days: [{ date, start: '09:00', end: '10:00' }] });
      expected.push({ id: `/sessions/${session.id}`, at: `${date}|${session.id}` });
      if (venue === w.partner) partnerIds.push(`/sessions/${session.id}`);
      if (i % 7 === 0) await sessionIn(w, { institution: w.elsewhere, days: [{ date, start: '08:00', end: '09:00' }] });
    }
    const order = expected.sort((a, b) => (a.at < b.at ? -1 : 1)).map((e) => e.id);
    const agent = await signIn(app, w.people.coordinator.email!);
    const first = await agent.get('/sessions?status=all').expect(200);
    expect(visibleText(first.text)).to.include('30 results');
    const second = await agent.get('/sessions?status=all&page=2').expect(200);
    expect([...shownSessions(first.text), ...shownSessions(second.text)]).to.deep.equal(order);
    expect(shownSessions(second.text)).to.have.length(5);
    // one venue chosen: its sessions alone, in the same order; a venue out of scope: none
    const partner = await agent.get(`/sessions?status=all&institution=${w.partner.id}`).expect(200);
    expect(visibleText(partner.text)).to.include('15 results');
    expect(shownSessions(partner.text)).to.deep.equal(order.filter((id) => partnerIds.includes(id)));
    const outside = await agent.get(`/sessions?status=all&institution=${w.elsewhere.id}`).expect(200);
    expect(shownSessions(outside.text)).to.deep.equal([]);
  });
  /** The people a list page links to, in the order shown. */
  const shownPeople = (html: string) => links(html).filter((href) => /^\/people\/[0-9a-f]{24}$/.test(href));

  it("sees both institutions' people merged by name across pages, and nobody else", async () => {
    // Almaty and Partner alternate in name order; Elsewhere's people fall among them
    const built: string[] = [];
    for (let i = 0; i < 24; i++) {
      const name = `Zz ${String(i).padStart(2, '0')}`;
      built.push((await buildUser({ fullName: name, institution: i % 2 === 0 ? w.almaty : w.partner })).id);
      if (i % 5 === 0) await buildUser({ fullName: `${name} elsewhere`, institution: w.elsewhere });
    }
    // the world's people of Almaty and Partner come before them by name
    const world = (['coordinator', 'trainer', 'coTrainer', 'staff'] as const)
      .map((who) => w.people[who])
      .sort((a, b) => (a.fullName < b.fullName ? -1 : 1))
      .map((p) => p.id as string);
    const agent = await signIn(app, w.people.coordinator.email!);
    const first = await agent.get('/people?status=all').expect(200);
    expect(visibleText(first.text)).to.include('28 results');
    const second = await agent.get('/people?status=all&page=2').expect(200);
    expect([...shownPeople(first.text), ...shownPeople(second.text)]).to.deep.equal(
      [...world, ...built].map((id) => `/people/${id}`),
    );
    expect(visibleText(first.text + second.text)).not.to.include('elsewhere');
  });
});
