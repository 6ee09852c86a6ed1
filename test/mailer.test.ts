import { expect } from 'chai';
import { loadConfig } from '../src/config.ts';
import { clearSentMail, createMailer, headerText, sentMail } from '../src/notices/mailer.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { formatWhen } from '../src/notices/notice-text.ts';
import { configureNotices, notify } from '../src/notices/notices.service.ts';
import { testConfig } from './support/context.ts';
import { buildUser } from './support/factories.ts';

// E-mail: the local outbox in tests, headers that cannot be split, values escaped in HTML,
// dates in the reader's language with the zone named.

/** The value of a header of a raw message, unfolded. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The header names of a raw message, lower case. */
function headerNames(raw: string): string[] {
  const head = raw.split(/\r?\n\r?\n/)[0]!;
  return head
    .split(/\r?\n/)
    .filter((l) => /^[A-Za-z-]+:/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
}

/** RFC 2047 encoded words decoded (B and Q), so a test can read what a mail client shows. */
function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, encoding: string, text: string) =>
    encoding.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text
            .replace(/_/g, ' ')
            .replace(/=([0-9a-f]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function freshMail() {
  beforeEach(() => {
    configureNotices({ config: testConfig, logger: undefined });
    clearSentMail();
  });
}

describe('mail transport', () => {
  freshMail();

  it('keeps mail in a local outbox in tests, with the language as Content-Language', async () => {
    const mailer = createMailer(testConfig)!;
    await mailer.send({
      to: { name: 'Amina Nakato', address: 'amina@test.example' },
      subject: 'Hello',
      text: 'Plain',
      html: '<p>Plain</p>',
      language: 'fr',
    });
    const [mail] = sentMail();
    expect(mail?.to.address).to.equal('amina@test.example');
    expect(header(mail!.raw, 'Content-Language')).to.equal('fr');
    expect(header(mail!.raw, 'From')).to.include('no-reply@localhost');
    expect(mail!.raw).to.include('multipart/alternative');
  });

  it('sends nothing in production without SMTP_URL', () => {
    expect(createMailer({ ...testConfig, env: 'production' })).to.equal(undefined);
  });

  it('uses SMTP when SMTP_URL is set, and the configuration refuses other schemes', () => {
    const config = loadConfig({ NODE_ENV: 'test', SMTP_URL: 'smtp://user:pass@mail.example:587' });
    expect(config.smtpUrl).to.equal('smtp://user:pass@mail.example:587');
    expect(config.mailFrom).to.equal('Cadre <no-reply@localhost>');
    expect(() => loadConfig({ NODE_ENV: 'test', SMTP_URL: 'http://mail.example' })).to.throw(/SMTP_URL/);
  });

  it('cannot be made to add a header through a name or a subject', async () => {
    const mailer = createMailer(testConfig)!;
    await mailer.send({
      to: { name: 'Айгерим "Boss"\r\nBcc: spy@evil.example', address: 'aigerim@test.example' },
      subject: 'Hi\r\nBcc: spy@evil.example',
      text: 'x',
      html: 'x',
      language: 'ru',
    });
    const raw = sentMail()[0]!.raw;
    expect(headerNames(raw)).not.to.include('bcc');
    expect(raw).not.to.match(/^Bcc:/im);
    const to = header(raw, 'To')!;
    expect(to).to.include('<aigerim@test.example>');
    expect(decodeWords(to)).to.include('Айгерим');
    expect(headerText('a\r\nb\u0000c')).to.equal('a b c');
  });
});

describe('dates in notices', () => {
  it('shows an instant in the venue zone, named, in the reader language', () => {
    // ICU's British English puts a comma after the weekday or not, by version
    expect(formatWhen('2026-03-02T04:00:00Z', 'Asia/Almaty', 'en')).to.match(
      /^Mon,? 2 Mar 2026, 09:00 \(Asia\/Almaty\)$/,
    );
    expect(formatWhen('2026-03-02T04:00:00Z', 'Asia/Almaty', 'ru')).to.match(/^пн, 2 мар.* 09:00 \(Asia\/Almaty\)$/);
    expect(formatWhen('2026-03-02T06:00:00Z', 'Africa/Kampala', 'fr')).to.match(
      /^lun\. 2 mars 2026, 09:00 \(Africa\/Kampala\)$/,
    );
    expect(formatWhen('not a date', 'UTC', 'en')).to.equal(undefined);
  });
});

describe('notice e-mails', () => {
  freshMail();

  it('escapes a module title in the HTML body and keeps it as typed in the text body', async () => {
    const person = await buildUser();
    await notify({
      people: [person.id],
      kind: 'enrolment.enrolled',
      params: { module: '<script>alert(1)</script> & "Co"', startsAt: '2026-03-02T04:00:00Z', timeZone: 'Asia/Almaty' },
    });
    const mail = sentMail()[0]!;
    expect(mail.html).not.to.include('<script>');
    expect(mail.html).to.include('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(mail.text).to.include('<script>alert(1)</script> & "Co"');
    expect(mail.text).to.match(/Mon,? 2 Mar 2026, 09:00 \(Asia\/Almaty\)/);
  });

  it('strips CR/LF that a param would bring into the subject', async () => {
    const person = await buildUser();
    await notify({
      people: [person.id],
      kind: 'session.cancelled',
      params: { module: 'PCVE\r\nBcc: spy@evil.example', reason: 'Flood' },
    });
    const raw = sentMail()[0]!.raw;
    expect(headerNames(raw)).not.to.include('bcc');
    expect(decodeWords(header(raw, 'Subject')!)).to.equal('Session cancelled: PCVE Bcc: spy@evil.example');
  });

  it('marks the notice as e-mailed once the mail is out', async () => {
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'PCVE' } });
    const notice = await Notice.findOne({ person: person._id }).orFail();
    expect(notice.emailedAt).to.be.instanceOf(Date);
  });
});
