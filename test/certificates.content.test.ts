import { expect } from 'chai';
import type { i18n } from 'i18next';
import { certificateContent, formatDates, type CertificateFacts } from '../src/certificates/certificate-content.ts';
import { certificateLanguage, certificatesFileName } from '../src/certificates/certificates.service.ts';
import type { Language } from '../src/i18n/i18n.ts';
import { testI18n } from './support/context.ts';

// The words of a certificate, in its language, from the facts its record keeps: no PDF here.

/**
 * Spaces as a reader sees them: ICU sets a British range's dash between thin spaces and keeps
 * the Russian "г." with its year by a narrow no-break space, and may change which it uses.
 */
const spaced = (text: string | undefined) => text?.replace(/[\u00a0\u2009\u202f]/g, ' ');

function facts(fields: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    number: 'KZ-PSTC-2030-000042',
    verifyCode: 'Q7XK2M9PRT',
    nameAsIssued: 'Ольга Николаевна Кузнецова',
    moduleCode: 'PCVE-01',
    moduleTitle: 'Профилактика насильственного экстремизма',
    hours: 16,
    startedOn: '2030-03-04',
    endedOn: '2030-03-06',
    issuedAt: new Date('2030-03-06T12:00:00Z'),
    expiresAt: new Date('2032-03-06T12:00:00Z'),
    issuer: { name: 'Учебный центр', country: 'Kazakhstan', countryCode: 'KZ', timeZone: 'Asia/Almaty' },
    signatories: [{ name: 'Col. A. Serikbayev', role: 'Director' }],
    ...fields,
  };
}

/** Isolation marks dropped: what a reader sees. */
const seen = (text: string) => text.replace(/[\u2066-\u2069]/g, '');

describe('certificates: the words of a certificate', () => {
  let i18next: i18n;
  const content = (language: Language, fields: Partial<CertificateFacts> = {}, baseUrl = 'https://cadre.example.org') =>
    certificateContent(facts(fields), { language, baseUrl, t: i18next.getFixedT(language) });
  before(async () => {
    i18next = await testI18n();
  });

  it('writes the dates each language’s own way: the days of the session, the issue and the expiry', () => {
    expect(content('en').lines.map(spaced)).to.deep.equal([
      'Duration: 16 hours',
      'Dates of training: 4 – 6 March 2030',
      'Date of issue: 6 March 2030',
      'Valid until: 6 March 2032',
    ]);
    expect(content('ru').lines.map(spaced)).to.deep.equal([
      'Продолжительность: 16 часов',
      'Сроки обучения: 4–6 марта 2030 г.',
      'Дата выдачи: 6 марта 2030 г.',
      'Действителен до: 6 марта 2032 г.',
    ]);
    expect(content('fr').lines).to.deep.equal([
      'Durée : 16 heures',
      'Dates de la formation : 4–6 mars 2030',
      'Date de délivrance : 6 mars 2030',
      'Valable jusqu’au 6 mars 2032',
    ]);
    expect(content('ar').lines).to.deep.equal([
      'المدة: 16 ساعة',
      'فترة التدريب: 4–6 مارس 2030',
      'تاريخ الإصدار: 6 مارس 2030',
      'صالحة حتى: 6 مارس 2032',
    ]);
  });

  it('names one day, or a range across months and years', () => {
    expect(content('en', { endedOn: '2030-03-04' }).lines[1]).to.equal('Date of training: 4 March 2030');
    expect(content('fr', { endedOn: '2030-03-04' }).lines[1]).to.equal('Date de la formation : 4 mars 2030');
    expect(spaced(formatDates('2030-03-30', '2030-04-02', 'ru'))).to.equal('30 марта – 2 апреля 2030 г.');
    expect(spaced(formatDates('2030-12-30', '2031-01-02', 'en'))).to.equal('30 December 2030 – 2 January 2031');
    expect(spaced(formatDates('2030-03-30', '2030-04-02', 'ar'))).to.equal('30 مارس – 2 أبريل 2030');
  });

  it('dates the issue in the issuing institution’s calendar', () => {
    // 20:00 UTC on 6 March is already 7 March in Almaty, still 6 March in Kampala
    const late = new Date('2030-03-06T20:00:00Z');
    expect(content('en', { issuedAt: late }).lines[2]).to.equal('Date of issue: 7 March 2030');
    const kampala = { name: 'Academy', country: 'Uganda', countryCode: 'UG', timeZone: 'Africa/Kampala' };
    expect(content('en', { issuedAt: late, issuer: kampala }).lines[2]).to.equal('Date of issue: 6 March 2030');
    expect(content('en', { issuedAt: late, issuer: { name: 'Academy', country: 'Uganda' } }).lines[2]).to.equal(
      'Date of issue: 6 March 2030',
    );
  });

  it('has an expiry line only when the certificate expires', () => {
    for (const language of ['en', 'ru', 'fr', 'ar'] as const) {
      const lines = content(language, { expiresAt: null }).lines;
      expect(lines, language).to.have.length(3);
      expect(lines.join(' '), language).not.to.include('2032');
    }
  });

  it('counts the hours in the language’s plural forms and number format', () => {
    const duration = (language: Language, hours: number) => content(language, { hours }).lines[0];
    expect(duration('en', 1)).to.equal('Duration: 1 hour');
    expect(duration('en', 1.5)).to.equal('Duration: 1.5 hours');
    expect(duration('ru', 1)).to.equal('Продолжительность: 1 час');
    expect(duration('ru', 3)).to.equal('Продолжительность: 3 часа');
    expect(duration('ru', 21)).to.equal('Продолжительность: 21 час');
    expect(duration('ru', 40)).to.equal('Продолжительность: 40 часов');
    expect(duration('ru', 1.5)).to.equal('Продолжительность: 1,5 часа');
    expect(duration('fr', 1.5)).to.equal('Durée : 1,5 heure');
    expect(duration('fr', 2.25)).to.equal('Durée : 2,25 heures');
    expect(duration('ar', 1)).to.equal('المدة: ساعة واحدة');
    expect(duration('ar', 2)).to.equal('المدة: ساعتان');
    expect(duration('ar', 3)).to.equal('المدة: 3 ساعات');
    expect(duration('ar', 11)).to.equal('المدة: 11 ساعة');
  });

  it('agrees the Russian verb with the person’s gender, and uses the neutral form otherwise', () => {
    expect(content('ru', { gender: 'female' }).completed).to.equal('успешно прошла обучение по учебному модулю');
    expect(content('ru', { gender: 'male' }).completed).to.equal('успешно прошёл обучение по учебному модулю');
    for (const gender of ['undisclosed', 'other', null, undefined]) {
      expect(content('ru', { gender }).completed, String(gender)).to.equal(
        'успешно прошёл (прошла) обучение по учебному модулю',
      );
    }
    expect(content('en', { gender: 'female' }).completed).to.equal('has completed the training module');
  });

  it('prints the name, the module and the signatories as the record keeps them, in their own script', () => {
    const page = content('ar', { nameAsIssued: 'Amina Nakato', moduleTitle: 'Understanding violent extremism' });
    expect(page.nameAsIssued).to.equal('Amina Nakato');
    expect(page.moduleTitle).to.equal('Understanding violent extremism');
    expect(page.signatories).to.deep.equal([{ name: 'Col. A. Serikbayev', role: 'Director' }]);
    expect(page.rtl).to.equal(true);
    expect(content('fr').rtl).to.equal(false);
    // codes read left to right inside an Arabic line; in other languages they are left as they are
    expect(page.number).to.equal('\u2066KZ-PSTC-2030-000042\u2069');
    expect(page.moduleCode).to.equal('\u2066PCVE-01\u2069');
    expect(content('ru').number).to.equal('KZ-PSTC-2030-000042');
  });

  it('names the country in the certificate’s language when its code is known, else as stored', () => {
    expect(seen(content('ru').issuer)).to.equal('Учебный центр, Казахстан');
    expect(seen(content('fr').issuer)).to.equal('Учебный центр, Kazakhstan');
    expect(seen(content('ar').issuer)).to.equal('Учебный центр، كازاخستان');
    expect(seen(content('en', { issuer: { name: 'Academy', country: 'Uganda' } }).issuer)).to.equal('Academy, Uganda');
    expect(seen(content('en', { issuer: { name: 'Academy', country: '' } }).issuer)).to.equal('Academy');
  });

  it('points the QR code at the verification page, whatever the base address ends with', () => {
    expect(content('en').verifyUrl).to.equal('https://cadre.example.org/verify/Q7XK2M9PRT');
    expect(content('en', {}, 'https://cadre.example.org/').verifyUrl).to.equal(
      'https://cadre.example.org/verify/Q7XK2M9PRT',
    );
  });

  it('marks a reprint with the day it was printed, and only a reprint', () => {
    expect(content('en').reprintMark).to.equal(undefined);
    expect(content('en', { reprintedAt: null }).reprintMark).to.equal(undefined);
    const reprinted = new Date('2031-05-12T08:00:00Z');
    expect(content('en', { reprintedAt: reprinted }).reprintMark).to.equal('Reprint — 12 May 2031');
    expect(spaced(content('ru', { reprintedAt: reprinted }).reprintMark)).to.equal('Повторная печать — 12 мая 2031 г.');
    expect(content('fr', { reprintedAt: reprinted }).reprintMark).to.equal('Réimpression — 12 mai 2031');
    expect(content('ar', { reprintedAt: reprinted }).reprintMark).to.equal('إعادة طباعة — 12 مايو 2031');
    // a reprint says nothing else differently
    const { reprintMark, ...rest } = content('ru', { reprintedAt: reprinted });
    expect(reprintMark).to.be.a('string');
    expect(rest).to.deep.equal(content('ru'));
  });

  it('is in the language a coordinator chose, else the person’s own, else the deployment’s', () => {
    expect(certificateLanguage('ru', 'ar', 'en')).to.equal('ar');
    expect(certificateLanguage('ru', undefined, 'en')).to.equal('ru');
    expect(certificateLanguage('ru', 'kk', 'en')).to.equal('ru');
    expect(certificateLanguage('kk', '', 'fr')).to.equal('fr');
  });

  it('names the download after the certificate’s number, or the module and first day of several', () => {
    expect(certificatesFileName([{ facts: facts() }])).to.equal('certificate-KZ-PSTC-2030-000042.pdf');
    expect(certificatesFileName([{ facts: facts({ number: 'A/B 1' }) }])).to.equal('certificate-A-B-1.pdf');
    expect(certificatesFileName([{ facts: facts() }, { facts: facts() }])).to.equal(
      'certificates-PCVE-01-2030-03-04.pdf',
    );
  });
});
