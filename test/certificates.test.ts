import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { i18n } from 'i18next';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { PAGE } from '../src/certificates/certificate-pdf.ts';
import {
  certificatesPdf,
  type CertificateFacts,
  type CertificateToPrint,
} from '../src/certificates/certificates.service.ts';
import type { Language } from '../src/i18n/i18n.ts';
import { testI18n } from './support/context.ts';

// Certificates read back as a person and a phone would: the PDF's text (pdftotext), where each
// word sits on the page (pdftotext -bbox) and the QR code (pdftoppm + jsQR), in English,
// Russian, French and Arabic, with names in their own scripts.

const run = promisify(execFile);
// jsqr is CommonJS: its default import is the function itself (its types say `default`)
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;
const FONTS = path.join(import.meta.dirname, '..', 'assets', 'fonts');
const BASE_URL = 'https://cadre.example.org';
const bidiMarks = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Arabic as a PDF reader gives it back: words in reading order, but a lam-alef ligature's
 * letters in drawing order ("الأكاديمية" comes back "األكاديمية", decision 0014).
 */
const asExtracted = (text: string) => text.replace(/ل([اأإآى])/g, '$1ل');

/** A word as -bbox gives it is in drawing order: an Arabic one reads backwards. */
const inReadingOrder = (word: string) => (/\p{Script=Arabic}/u.test(word) ? [...word].reverse().join('') : word);

let scratch: string;
let i18next: i18n;
let file = 0;

async function saved(pdf: Buffer): Promise<string> {
  const name = path.join(scratch, `certificate-${++file}.pdf`);
  await writeFile(name, pdf);
  return name;
}

/** The text of the PDF, page by page, bidi marks dropped and runs of spaces made one. */
async function pagesOf(pdf: Buffer): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-layout', await saved(pdf), '-']);
  return stdout
    .replace(bidiMarks, '')
    .split('\f')
    .filter((page) => page.trim())
    .map((page) => page.replace(/[^\S\n]+/g, ' '));
}

type Word = { text: string; xMin: number; yMin: number; xMax: number; yMax: number; page: number };

/** Every word with its box, in points from the top left of its page. */
async function wordsOf(pdf: Buffer): Promise<Word[]> {
  const { stdout } = await run('pdftotext', ['-bbox', await saved(pdf), '-']);
  const words: Word[] = [];
  let page = 0;
  for (const line of stdout.split('\n')) {
    if (line.includes('<page ')) page++;
    const match = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/.exec(line);
    if (!match) continue;
    const [xMin, yMin, xMax, yMax] = match.slice(1, 5).map(Number) as [number, number, number, number];
    words.push({ text: match[5]!.replace(bidiMarks, ''), xMin, yMin, xMax, yMax, page });
  }
  return words;
}

/** The QR code of the first page, as a phone's camera would read it. */
async function qrOf(pdf: Buffer): Promise<string | undefined> {
  const dir = await mkdtemp(path.join(scratch, 'qr-'));
  await run('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', await saved(pdf), path.join(dir, 'page')]);
  const png = (await readdir(dir)).find((f) => f.endsWith('.png'))!;
  const image = PNG.sync.read(await readFile(path.join(dir, png)));
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

async function info(pdf: Buffer): Promise<string> {
  return (await run('pdfinfo', [await saved(pdf)])).stdout;
}

/** A Russian certificate of the Kazakh centre; fields override it. */
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
    signatories: [
      { name: 'Col. A. Serikbayev', role: 'Director, Prison Staff Training Centre' },
      { name: 'майор Д. Оспанова', role: 'Начальник учебного отдела' },
    ],
    ...fields,
  };
}

/** One certificate of each language, with a name in the script its holder writes it in. */
const CASES: { language: Language; facts: CertificateFacts; country: string }[] = [
  {
    language: 'en',
    country: 'Uganda',
    facts: facts({
      number: 'UG-UPATS-2030-000101',
      verifyCode: 'UG7P2X9QKM',
      nameAsIssued: 'Amina Nakato',
      moduleCode: 'UG-PVE-01',
      moduleTitle: 'Understanding violent extremism',
      issuer: { name: 'Uganda Prisons Academy', country: 'Uganda', countryCode: 'UG', timeZone: 'Africa/Kampala' },
    }),
  },
  { language: 'ru', country: 'Казахстан', facts: facts() },
  {
    language: 'fr',
    country: 'Tunisie',
    facts: facts({
      number: 'TN-ENP-2030-000007',
      verifyCode: 'TNf3_k-9Zq',
      nameAsIssued: 'Hédi Ben Salah',
      moduleTitle: 'Prévention de l’extrémisme violent',
      issuer: { name: 'École nationale des prisons', country: 'Tunisia', countryCode: 'TN', timeZone: 'Africa/Tunis' },
      signatories: [{ name: 'Col. Mondher Trabelsi', role: 'Directeur de l’École' }],
    }),
  },
  {
    language: 'ar',
    country: 'تونس',
    facts: facts({
      number: 'TN-ENP-2030-000008',
      verifyCode: 'TN8Kq2Lm4P',
      nameAsIssued: 'محمد بن علي الجزيري',
      moduleTitle: 'الوقاية من التطرف العنيف في السجون',
      issuer: { name: 'أكاديمية السجون', country: 'Tunisia', countryCode: 'TN', timeZone: 'Africa/Tunis' },
      signatories: [{ name: 'العقيد أحمد بن سالم', role: 'مدير الأكاديمية' }],
    }),
  },
];

const print = (certificates: CertificateToPrint[]) =>
  certificatesPdf(certificates, { baseUrl: BASE_URL, i18n: i18next, fontsDir: FONTS });

describe('certificates: the PDF', function () {
  this.timeout(30_000);
  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cadre-certificates-'));
    i18next = await testI18n();
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const { language, facts: certificate, country } of CASES) {
    it(`in ${language}: the name in its own script, the module, the number, the issuer and its signatories, in words of ${language}`, async () => {
      const t = i18next.getFixedT(language);
      const pdf = await print([{ facts: certificate, language }]);
      const pages = await pagesOf(pdf);
      expect(pages).to.have.length(1);
      const text = pages[0]!;
      const expected = [
        certificate.nameAsIssued,
        certificate.moduleTitle,
        certificate.moduleCode,
        certificate.number,
        certificate.issuer.name,
        country,
        ...certificate.signatories.flatMap((s) => [s.name, s.role]),
        t('certificates:title'),
        t('certificates:certifies'),
        t('certificates:completed'),
      ];
      for (const words of expected) expect(text, words).to.include(language === 'ar' ? asExtracted(words) : words);
      expect(text).to.include(`${BASE_URL}/verify/${certificate.verifyCode}`);
      expect(await info(pdf)).to.match(/Page size:\s+841\.89 x 595\.28 pts \(A4\)/);
    });

    it(`in ${language}: its QR code reads as exactly the address of its verification page`, async () => {
      const pdf = await print([{ facts: certificate, language }]);
      expect(await qrOf(pdf)).to.equal(`${BASE_URL}/verify/${certificate.verifyCode}`);
    });
  }

  it('embeds its fonts, and dates the file on the issue day', async () => {
    const pdf = await print([{ facts: CASES[3]!.facts, language: 'ar' }]);
    const { stdout } = await run('pdffonts', [await saved(pdf)]);
    const fonts = stdout.split('\n').slice(2).filter(Boolean);
    expect(fonts.map((line) => line.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')).sort()).to.deep.equal([
      'DejaVuSans',
      'DejaVuSans-Bold',
      'NotoSansArabic-Bold',
      'NotoSansArabic-Regular',
    ]);
    for (const line of fonts) expect(line, line).to.match(/\byes\s+yes\s+yes\b/); // embedded, subset, ToUnicode
    expect(await info(pdf)).to.match(/CreationDate:\s+Wed Mar {2}6 12:00:00 2030 UTC/);
  });

  it('mirrors a right-to-left certificate: the number at the right, the address at the left', async () => {
    const place = async (language: Language, certificate: CertificateFacts) => {
      const words = await wordsOf(await print([{ facts: certificate, language }]));
      const number = words.find((w) => w.text === certificate.number)!;
      const address = words.find((w) => w.text.startsWith(BASE_URL))!;
      return {
        number: number.xMin > PAGE.width / 2 ? 'right' : 'left',
        address: address.xMax < PAGE.width / 2 ? 'left' : 'right',
      };
    };
    expect(await place('en', CASES[0]!.facts)).to.deep.equal({ number: 'left', address: 'right' });
    expect(await place('ar', CASES[3]!.facts)).to.deep.equal({ number: 'right', address: 'left' });
  });

  it('puts a session’s certificates in one PDF, a page each, each in its own language', async () => {
    const pdf = await print(CASES.map(({ facts: certificate, language }) => ({ facts: certificate, language })));
    expect(await info(pdf)).to.match(/Pages:\s+4\b/);
    const pages = await pagesOf(pdf);
    expect(pages).to.have.length(4);
    CASES.forEach(({ facts: certificate, language }, i) => {
      expect(pages[i]).to.include(language === 'ar' ? asExtracted(certificate.nameAsIssued) : certificate.nameAsIssued);
      expect(pages[i]).to.include(asExtracted(i18next.getFixedT(language)('certificates:title')));
      for (const other of CASES.filter((_, j) => j !== i)) expect(pages[i]).not.to.include(other.facts.number);
    });
  });

  it('gives the same file for the same record, every time it is printed', async () => {
    const first = await print([{ facts: facts(), language: 'ru' }]);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a second later: no clock in the file
    const again = await print([{ facts: facts(), language: 'ru' }]);
    expect(again.equals(first)).to.equal(true);
  });

  it('marks a reprint with its date, and is otherwise the same certificate, word for word and in place', async () => {
    const original = await wordsOf(await print([{ facts: facts(), language: 'ru' }]));
    const reprint = await wordsOf(
      await print([{ facts: facts({ reprintedAt: new Date('2031-05-12T20:30:00Z') }), language: 'ru' }]),
    );
    const key = (w: Word) => `${w.text}@${w.xMin.toFixed(1)},${w.yMin.toFixed(1)}`;
    const before = new Set(original.map(key));
    expect(reprint.filter((w) => !before.has(key(w))).map((w) => w.text)).to.deep.equal(
      // the day is the issuer's (Asia/Almaty): 20:30 UTC is already 13 May there
      ['Повторная', 'печать', '—', '13', 'мая', '2031', 'г.'],
    );
    const after = new Set(reprint.map(key));
    expect(original.filter((w) => !after.has(key(w)))).to.deep.equal([]);
  });

  it('keeps a 70-character name and a 60-character module title whole and on the page', async () => {
    const name = 'Aleksandra Konstantinovna Vasilyeva-Rozhdestvenskaya Mikhailovskaya Jr';
    const title = 'Dynamic security and the use of force in high-security units';
    expect(name).to.have.length(70);
    expect(title).to.have.length(60);
    for (const [language, longName] of [
      ['en', name],
      ['ar', 'عبد الرحمن بن محمد بن عبد الله بن إبراهيم الطرابلسي القيرواني الصفاقسي الجزيري'],
    ] as const) {
      const pdf = await print([{ facts: facts({ nameAsIssued: longName, moduleTitle: title }), language }]);
      expect(await info(pdf), language).to.match(/Pages:\s+1\b/);
      const words = await wordsOf(pdf);
      for (const word of words) {
        // inside the inner border, with room to spare
        expect(word.xMin, word.text).to.be.at.least(32);
        expect(word.xMax, word.text).to.be.at.most(PAGE.width - 32);
        expect(word.yMin, word.text).to.be.at.least(32);
        expect(word.yMax, word.text).to.be.at.most(PAGE.height - 32);
      }
      // every word of the name and the title is there, none cut with an ellipsis
      const texts = words.map((w) => inReadingOrder(w.text));
      for (const word of [...longName.split(' '), ...title.split(' ')])
        expect(texts, word).to.include(asExtracted(word));
      expect(texts.join(' ')).not.to.include('…');
    }
  });
});
