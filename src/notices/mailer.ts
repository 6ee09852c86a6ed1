import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

// E-mail out. With SMTP_URL, nodemailer's SMTP transport (bounded timeouts: a dead server
// must not hold a request for minutes). Without it, development and tests build the real
// MIME message with the stream transport and keep it in an in-memory outbox that tests read;
// production without SMTP_URL sends nothing.

export type OutgoingMail = {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** the reader's language, sent as Content-Language */
  language: string;
};

/** A message of the local outbox: what was asked for, and the MIME message as it would leave. */
export type SentMail = OutgoingMail & { raw: string; sentAt: Date };

export type Mailer = { send(mail: OutgoingMail): Promise<void> };

const OUTBOX_LIMIT = 500; // a long-running development server must not grow without end
const outbox: SentMail[] = [];

/** The local outbox, oldest first (development and tests only). */
export function sentMail(): readonly SentMail[] {
  return [...outbox];
}

export function clearSentMail(): void {
  outbox.length = 0;
}

/** One line for a header: CR, LF and other control characters become spaces. */
export function headerText(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we remove
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

function message(from: string, mail: OutgoingMail) {
  return {
    from,
    // an address object: nodemailer quotes and encodes the name, so no name can add a header
    to: { name: headerText(mail.to.name), address: headerText(mail.to.address) },
    subject: headerText(mail.subject),
    text: mail.text,
    html: mail.html,
    headers: { 'Content-Language': headerText(mail.language) },
  };
}

function smtpMailer(config: Config): Mailer {
  const transport = nodemailer.createTransport({
    url: config.smtpUrl!,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      await transport.sendMail(message(config.mailFrom, mail));
    },
  };
}

function outboxMailer(config: Config, logger: Logger | undefined): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(message(config.mailFrom, mail));
      outbox.push({ ...mail, raw: String(info.message), sentAt: new Date() });
      if (outbox.length > OUTBOX_LIMIT) outbox.shift();
      if (config.env === 'development') {
        logger?.info(
          { to: mail.to.address, language: mail.language },
          `mail (local outbox): ${headerText(mail.subject)}`,
        );
      }
    },
  };
}

/** The mailer for this configuration, or undefined when e-mail is off (production without SMTP_URL). */
export function createMailer(config: Config, logger?: Logger): Mailer | undefined {
  if (config.smtpUrl) return smtpMailer(config);
  if (config.env === 'production') return undefined;
  return outboxMailer(config, logger);
}
