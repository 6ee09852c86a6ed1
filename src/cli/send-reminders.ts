import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.ts';
import { connectDatabase, disconnectDatabase } from '../db/connection.ts';
import { resolveDatabase } from '../db/resolve.ts';
import { createLogger } from '../http/logger.ts';
import { createI18n } from '../i18n/i18n.ts';
import { configureNotices } from '../notices/notices.service.ts';
import { sendSessionReminders } from '../notices/reminders.ts';

// npm run notices:reminders: tells every enrolled participant of a session starting within
// 24 hours, once. Safe to run again (e.g. hourly from cron): nobody is reminded twice.

const envFile = path.resolve(import.meta.dirname, '..', '..', '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const database = await resolveDatabase(config, {
  dataDir: config.dataDir,
  progress: (message) => console.log(message),
}).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

let failed = false;
try {
  await connectDatabase(database.uri, config.mongodbDbName);
  configureNotices({
    config,
    logger: createLogger(config.logLevel, false),
    i18n: await createI18n(path.join(config.projectRoot, 'locales'), config.defaultLanguage),
  });
  const summary = await sendSessionReminders();
  console.log(`Reminders: ${summary.reminded} people reminded, ${summary.sessions} sessions starting within 24 hours.`);
} catch (error) {
  failed = true;
  console.error('Sending reminders failed; a rerun sends those not yet sent.', error);
} finally {
  await disconnectDatabase().catch(() => undefined);
  await database.stop();
}
process.exit(failed ? 1 : 0);
