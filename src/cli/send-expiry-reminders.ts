import path from 'node:path';
import { loadConfigOrExit } from '../config.ts';
import { withDatabase } from './with-database.ts';
import { createLogger } from '../http/logger.ts';
import { createI18n } from '../i18n/i18n.ts';
import { configureNotices } from '../notices/notices.service.ts';
import { expirySummaryLine, sendExpiryReminders } from '../completions/expiry-reminders.ts';

// npm run notices:expiry: tells holders of certificates expiring within 90 days, and their
// coordinators, at 90 and 30 days and on the day, each once. Safe to run again (e.g. daily from
// cron), even beside a server's own hourly timer on the same database: nobody is told the same
// stage twice.

const config = loadConfigOrExit();

await withDatabase(config, 'Sending expiry reminders failed; a rerun sends those not yet sent.', async () => {
  configureNotices({
    config,
    logger: createLogger(config.logLevel, false),
    i18n: await createI18n(path.join(config.projectRoot, 'locales'), config.defaultLanguage),
  });
  console.log(expirySummaryLine(await sendExpiryReminders()));
});
