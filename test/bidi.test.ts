import { expect } from 'chai';
import type { Express } from 'express';
import { isolatedHtml, isolatedText, mark, translateIsolated } from '../src/http/bidi.ts';
import { mailBody, noticeText } from '../src/notices/notice-text.ts';
import { buildApp, testI18n } from './support/context.ts';
import { signIn } from './support/http.ts';
import { busySession } from './browser/pages-world.ts';
import { buildUser } from './support/factories.ts';
import { post } from './support/http.ts';
import { formatDay } from '../src/sessions/session-times.ts';

// Right-to-left with mixed text: what people type (titles, names, codes, reasons) is isolated
// from the sentence around it, so an English title on an Arabic page keeps its words in order
// and its full stop at its own end; so are times and file extensions.

describe('isolating text of another direction', () => {
  it('marks values, turns the marks into <bdi> in HTML and isolates in right-to-left plain text', () => {
    const text = `Reason: ${mark('Flood <b> & "rain".')}`;
    expect(isolatedHtml(text)).to.equal('Reason: <bdi>Flood &lt;b&gt; &amp; &quot;rain&quot;.</bdi>');
    expect(isolatedText(text, true)).to.equal('Reason: \u2068Flood <b> & "rain".\u2069');
    expect(isolatedText(text, false)).to.equal('Reason: Flood <b> & "rain".');
    // a mark typed by someone is dropped, so nobody can open or close a <bdi>
    expect(isolatedHtml(mark('a\uE001<i>\uE000b'))).to.equal('<bdi>a&lt;i&gt;b</bdi>');
  });

  it('translates with the string values in <bdi>, counts left as numbers', async () => {
    const t = (await testI18n()).getFixedT('ar');
    const html = translateIsolated(t, 'catalogue:show.code', { code: 'PCVE-101.' });
    expect(html).to.include('<bdi>PCVE-101.</bdi>');
  });

  it('an Arabic notice e-mail isolates the English module title and reason', async () => {
    const i18n = await testI18n();
    const t = i18n.getFixedT('ar');
    const params = { module: 'Use of force.', reason: 'The hall is flooded.', startsAt: '2026-03-02T04:00:00Z' };
    const text = noticeText(t, 'ar', 'session.cancelled', params, { marked: true });
    const mail = mailBody(t, 'ar', 'rtl', text, undefined);
    expect(mail.html).to.include('<bdi>Use of force.</bdi>').and.include('<bdi>The hall is flooded.</bdi>');
    expect(mail.text).to.include('\u2068Use of force.\u2069');
    expect(mail.html).not.to.match(/[\uE000\uE001]/);
    expect(mail.text).not.to.match(/[\uE000\uE001]/);
  });

  describe('on the pages', () => {
    let app: Express;
    before(async () => {
      app = await buildApp();
    });

    it('in Arabic, titles, names, summaries, calendar times and the .ics link are isolated', async () => {
      const w = await busySession();
      const title = 'Use of Force and Dynamic Security in High-Risk Units';
      const agent = await signIn(app, w.people.arabicCoordinator.email!);
      const session = (await agent.get(`/sessions/${w.session.id as string}`)).text;
      expect(session).to.include(`<h1><bdi>${title}</bdi></h1>`);
      expect(session).to.include('<bdi>Aigerim Trainer</bdi>');
      expect(session).to.include('(\u2066.ics\u2069)');
      const module = (await agent.get(`/modules/${w.module.id as string}`)).text;
      expect(module).to.match(/<dd class="prose" dir="auto">How staff recognise/);
      expect(module).to.include('<bdi>PCVE-101</bdi>');
      const month = w.session.startsAt.toISOString().slice(0, 7);
      const calendar = (await agent.get(`/calendar?month=${month}`)).text;
      expect(calendar).to.include(`<bdi dir="ltr" class="time">08:30–13:00</bdi> <bdi>${title}</bdi>`);
      const roster = (await agent.get(`/sessions/${w.session.id as string}/enrolments`)).text;
      expect(roster).to.include('<bdi>Айгерим Сапарова</bdi>');
    });

    it('in Arabic, the day lines of a session keep their time range and zone left to right', async () => {
      const day = { date: '2026-12-17', start: '08:30', end: '13:00' };
      expect(formatDay(day, 'Asia/Almaty', 'ar')).to.match(/, \u206608:30–13:00\u2069 \(\u2066Asia\/Almaty\u2069\)$/);
      // other languages are left as they were
      expect(formatDay(day, 'Asia/Almaty', 'en')).to.equal('Thu 17 Dec 2026, 08:30–13:00 (Asia/Almaty)');
      const w = await busySession();
      const agent = await signIn(app, w.people.arabicCoordinator.email!);
      const page = (await agent.get(`/sessions/${w.session.id as string}`)).text;
      expect(page).to.include('\u206608:30–13:00\u2069 (\u2066Asia/Almaty\u2069)');
    });

    it('in Arabic, flash messages and the person and institution pages isolate names', async () => {
      const w = await busySession();
      const admin = await buildUser({ roles: ['admin'], institution: null, language: 'ar' });
      const agent = await signIn(app, admin.email!);
      const venue = w.session.institution.toHexString();
      await post(agent, `/institutions/${venue}/deactivate`);
      const institution = (await agent.get(`/institutions/${venue}`)).text;
      expect(institution).to.match(
        /class="flash flash-success"[^>]*>[^<]*<bdi>Almaty Prison Staff Training Centre<\/bdi>/,
      );
      expect(institution).to.include('<h1><bdi>Almaty Prison Staff Training Centre</bdi></h1>');
      expect(institution).to.include('<dd><bdi>Asia/Almaty</bdi></dd>');
      const person = (await agent.get(`/people/${w.people.trainer.id as string}`)).text;
      expect(person).to.include('<h1><bdi>Aigerim Trainer</bdi></h1>');
      expect(person).to.include(`<dd><bdi>${w.people.trainer.email!}</bdi></dd>`);
    });
  });
});
