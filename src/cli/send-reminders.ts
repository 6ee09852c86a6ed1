import path from 'node:path';
import { loadConfigOrExit } from '../config.ts';
import { withDatabase } from './with-database.ts';
import { createLogger } from '../http/logger.ts';
import { createI18n } from '../i18n/i18n.ts';
import { configureNotices } from '../notices/notices.service.ts';
import { sendSessionReminders } from '../enrolments/session-reminders.ts';

// npm run notices:reminders: tells every enrolled participant of a session starting within
// 24 hours, once. Safe to run again (e.g. hourly from cron): nobody is reminded twice.

const config = loadConfigOrExit();

await withDatabase(config, 'Sending reminders failed; a rerun sends those not yet sent.', async () => {
  configureNotices({
    config,
    logger: createLogger(config.logLevel, false),
    i18n: await createI18n(path.join(config.projectRoot, 'locales'), config.defaultLanguage),
  });
  const summary = await sendSessionReminders();
  console.log(`Reminders: ${summary.reminded} people reminded, ${summary.sessions} sessions starting within 24 hours.`);
});
