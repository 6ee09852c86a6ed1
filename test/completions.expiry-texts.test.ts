import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { DAY_MS } from '../src/completions/expiry-stages.ts';
import { sendExpiryReminders } from '../src/completions/expiry-reminders.ts';
import { createRecord } from '../src/completions/revisions.ts';
import { newVerifyCode } from '../src/completions/verify-codes.ts';
import { LANGUAGES } from '../src/i18n/i18n.ts';
import { clearSentMail, sentMail } from '../src/notices/mailer.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { configureNotices } from '../src/notices/notices.service.ts';
import { noticeText } from '../src/notices/notice-text.ts';
import { buildApp, testConfig, testI18n } from './support/context.ts';
import { buildCountry, buildInstitution, buildModule, buildUser } from './support/factories.ts';
import { signIn } from './support/http.ts';
import { expectNoMissingTranslations, links, visibleText } from './page-helpers.ts';

// The expiry notices as their readers see them: in each language, the module's title (as
// issued in that language when it was), the certificate number, the day it expires and a link
// to the module's next sessions in the catalogue; in the notice list and in the e-mail.

const MODULE = 'Preventing violent extremism';
const MODULE_RU = 'Профилактика насильственного экстремизма';
const NUMBER = 'KZ-2026-000042';
const now = new Date('2026-06-01T10:00:00Z');
const PUBLIC_URL = 'https://cadre.example.org';

async function world() {
  const country = await buildCountry({ code: 'KZ' });
  const academy = await buildInstitution({ name: 'Almaty Academy', country: country._id });
  const module = await buildModule({ title: MODULE, status: 'published', institution: academy });
  const holder = await buildUser({ institution: academy, fullName: 'Aida Holder' });
  const coordinator = await buildUser({ roles: ['coordinator'], institution: academy, language: 'ru' });
  return { country, academy, module, holder, coordinator };
}
type World = Awaited<ReturnType<typeof world>>;

/** A valid certificate expiring on 2026-06-26 (25 days after `now`), or `days` after `now`. */
function certificate(w: World, days = 25, titles: { language: string; title: string }[] = []) {
  const id = new mongoose.Types.ObjectId();
  return createRecord(
    {
      _id: id,
      person: w.holder._id,
      module: w.module._id,
      moduleVersion: 1,
      source: 'manual',
      sourceKey: `manual:${id.toHexString()}`,
      nameAsIssued: 'Aida Holder',
      moduleCode: 'PVE-1',
      moduleTitle: MODULE,
      moduleTitles: titles,
      hours: 15,
      startedOn: '2025-05-01',
      endedOn: '2025-05-02',
      result: 'completed',
      certificateNumber: NUMBER,
      verifyCode: newVerifyCode(),
      issuingInstitution: w.academy._id,
      issuingCountry: w.country._id,
      issuerName: 'Almaty Academy',
      issuedAt: new Date('2025-05-03T00:00:00Z'),
      expiresAt: new Date(now.getTime() + days * DAY_MS),
      status: 'valid',
    } as Parameters<typeof createRecord>[0],
    { action: 'issued', at: now },
  );
}

const textsOf = async (person: { _id: mongoose.Types.ObjectId }, language: string) => {
  const i18n = await testI18n();
  const notices = await Notice.find({ person: person._id }).lean();
  return notices.map((n) => noticeText(i18n.getFixedT(language), language, n.kind, n.params));
};

/** The day, as each language writes it. */
const EXPIRES = { en: '26 June 2026', ru: '26 июня 2026', fr: '26 juin 2026', ar: '26 يونيو 2026' } as const;

describe('expiry notice texts', () => {
  let w: World;
  beforeEach(async () => {
    configureNotices({ config: testConfig, logger: undefined, mailer: null });
    w = await world();
  });
  after(() => configureNotices({ config: testConfig, logger: undefined }));

  it('say the module, the certificate number and the day, and link to the module, in every language', async () => {
    await certificate(w);
    await sendExpiryReminders(now);
    for (const language of LANGUAGES) {
      for (const [who, person] of [
        ['holder', w.holder],
        ['coordinator', w.coordinator],
      ] as const) {
        const texts = await textsOf(person, language);
        expect(texts, `${who} in ${language}`).to.have.length(1);
        const { subject, body, link } = texts[0]!;
        const where = `${who} in ${language}: ${subject} / ${body}`;
        expect(subject, where).to.include(MODULE).and.include(EXPIRES[language]);
        expect(body, where).to.include(MODULE).and.include(NUMBER).and.include(EXPIRES[language]).and.include('25');
        expect(link, where).to.deep.include({ path: `/catalogue/${w.module.id as string}` });
        expect(link!.label, where).to.include(MODULE);
        if (who === 'coordinator') expect(`${subject} ${body}`, where).to.include('Aida Holder');
        else expect(`${subject} ${body}`, where).not.to.include('Aida Holder');
      }
    }
    const [english] = await textsOf(w.holder, 'en');
    expect(english!.subject).to.equal(`Certificate expires on 26 June 2026: ${MODULE}`);
    expect(english!.body).to.equal(
      `Your certificate for ${MODULE} expires in 25 days, on 26 June 2026. To stay certified, complete the module again. ` +
        `Certificate number: ${NUMBER}.`,
    );
    expect(english!.link!.label).to.equal(`Recertify: upcoming sessions of ${MODULE}`);
  });

  it('say that it expired, in every language', async () => {
    await certificate(w, -1);
    await sendExpiryReminders(now);
    const days = { en: '31 May 2026', ru: '31 мая 2026', fr: '31 mai 2026', ar: '31 مايو 2026' } as const;
    for (const language of LANGUAGES) {
      for (const person of [w.holder, w.coordinator]) {
        const [text] = await textsOf(person, language);
        expect(text!.subject, language).to.include(MODULE);
        expect(text!.body, language).to.include(MODULE).and.include(NUMBER).and.include(days[language]);
        expect(text!.link!.path, language).to.equal(`/catalogue/${w.module.id as string}`);
      }
    }
    const [english] = await textsOf(w.holder, 'en');
    expect(english!.subject).to.equal(`Certificate expired: ${MODULE}`);
    expect(english!.body).to.include(`Your certificate for ${MODULE} expired on 31 May 2026.`);
  });

  it('count the days in each language’s plural forms', async () => {
    const cases: [number, string, string][] = [
      [1, 'en', 'in 1 day,'],
      [2, 'en', 'in 2 days,'],
      [1, 'ru', 'через 1 день.'],
      [3, 'ru', 'через 3 дня.'],
      [11, 'ru', 'через 11 дней.'],
      [21, 'ru', 'через 21 день.'],
      [1, 'fr', 'dans 1 jour,'],
      [2, 'fr', 'dans 2 jours,'],
      [1, 'ar', 'بعد يوم واحد'],
      [2, 'ar', 'بعد يومين'],
      [3, 'ar', 'بعد 3 أيام'],
      [11, 'ar', 'بعد 11 يومًا'],
    ];
    const i18n = await testI18n();
    for (const [days, language, expected] of cases) {
      const text = noticeText(i18n.getFixedT(language), language, 'completion.expiring', {
        module: MODULE,
        expiresOn: '2026-06-26',
        days: String(days),
      });
      expect(text.body, `${days} in ${language}`).to.include(expected);
    }
  });

  it('use the title issued in the reader’s language when there is one', async () => {
    await certificate(w, 25, [{ language: 'ru', title: MODULE_RU }]);
    await sendExpiryReminders(now);
    const [russian] = await textsOf(w.holder, 'ru');
    expect(russian!.subject).to.include(MODULE_RU).and.not.include(MODULE);
    expect(russian!.link!.label).to.include(MODULE_RU);
    const [english] = await textsOf(w.holder, 'en');
    expect(english!.body).to.include(MODULE).and.not.include(MODULE_RU);
  });

  it('e-mail the link to the module with the site’s address, in the reader’s language', async () => {
    configureNotices({ config: { ...testConfig, publicUrl: PUBLIC_URL }, logger: undefined });
    clearSentMail();
    await certificate(w);
    await sendExpiryReminders(now);
    const url = `${PUBLIC_URL}/catalogue/${w.module.id as string}`;
    const mails = sentMail();
    expect(mails.map((m) => m.to.address)).to.have.members([w.holder.email, w.coordinator.email]);
    const english = mails.find((m) => m.to.address === w.holder.email)!;
    expect(english.text).to.include(`Recertify: upcoming sessions of ${MODULE}: ${url}`);
    expect(english.html).to.include(`<a href="${url}">Recertify: upcoming sessions of <bdi>${MODULE}</bdi></a>`);
    const russian = mails.find((m) => m.to.address === w.coordinator.email)!;
    expect(russian.language).to.equal('ru');
    expect(russian.subject).to.include('Срок действия сертификата (Aida Holder)');
    expect(russian.text).to.include(url);
  });

  describe('in the notice list', () => {
    let app: Express;
    before(async () => {
      app = await buildApp();
    });

    it('links to the module’s page in the catalogue, whose next sessions the holder may open', async () => {
      await certificate(w);
      await sendExpiryReminders(now);
      const agent = await signIn(app, w.holder.email!);
      const res = await agent.get('/notices');
      expect(res.status).to.equal(200);
      const path = `/catalogue/${w.module.id as string}`;
      expect(links(res.text)).to.include(path);
      const text = visibleText(res.text);
      expect(text).to.include(`Certificate expires on 26 June 2026: ${MODULE}`);
      expect(text).to.include(`Certificate number: ${NUMBER}.`);
      expect(text).to.include(`Recertify: upcoming sessions of ${MODULE}`);
      expectNoMissingTranslations(res.text);
      expect((await agent.get(path)).status).to.equal(200);
    });
  });
});
