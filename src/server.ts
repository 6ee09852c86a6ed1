import path from 'node:path';
import { createApp } from './app.ts';
import { ensureFirstAdmin } from './auth/account.service.ts';
import { loginSessionStore } from './auth/login-session-store.ts';
import { cadreJobs, startBackgroundJobs } from './background-jobs.ts';
import { loadConfigOrExit } from './config.ts';
import { connectDatabase, disconnectDatabase } from './db/connection.ts';
import { resolveDatabase } from './db/resolve.ts';
import { loadSessionSecret } from './db/session-secret.ts';
import { runOnce } from './db/steps-done-once.ts';
import { dropSupersededIndexes } from './db/superseded-indexes.ts';
import { createLogger } from './http/logger.ts';
import { createI18n } from './i18n/i18n.ts';
import { configureNotices } from './notices/notices.service.ts';
import { dropStoredSearchTokens } from './people/people.service.ts';
import { fillMissingCards } from './enrolments/enrolment-cards.ts';

// The only file with side effects: configuration → database → app.listen, and signals.

const config = loadConfigOrExit();

const logger = createLogger(config.logLevel, config.logPretty);
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

const database = await resolveDatabase(config, {
  dataDir: config.dataDir,
  progress: (message) => logger.info(message),
  // an embedded server that dies is logged with its last lines, then restarted
  log: (level, message) => logger[level](message),
}).catch((error: Error) => {
  logger.fatal(error.message);
  process.exit(1);
});
logger.info(`Database: ${database.description}`);
const mongoose = await connectDatabase(database.uri, config.mongodbDbName);

const firstAdmin = await ensureFirstAdmin(config.adminEmail, config.adminPassword, config.passwordHashCost).catch(
  async (error: Error) => {
    logger.fatal(error.message);
    await disconnectDatabase();
    await database.stop();
    process.exit(1);
  },
);
if (firstAdmin?.generatedPassword) {
  // printed once, to the console only: never to the structured log
  console.log(
    `\n  First administrator created: ${firstAdmin.email}\n  One-time password: ${firstAdmin.generatedPassword}\n  It must be changed at the first sign-in; it is not shown again.\n`,
  );
} else if (firstAdmin) {
  logger.info(`First administrator created: ${firstAdmin.email}`);
}

// the search tokens people once carried are read by no query; the scan runs until it has once
// completed, not at every start
await runOnce('person-search-tokens-dropped', () => dropStoredSearchTokens()).then(
  (dropped) => dropped && logger.info(`Search tokens no longer used removed from ${dropped} people`),
  (error: Error) =>
    logger.error({ err: error }, 'removing the search tokens no longer used failed: people read slower'),
);

// enrolments made before they kept their person's card show that person read by id until filled
await runOnce('enrolment-person-cards', () => fillMissingCards()).then(
  (filled) => filled && logger.info(`Person cards filled for ${filled} enrolments`),
  (error: Error) => logger.error({ err: error }, 'filling enrolments’ person cards failed: rosters read people by id'),
);

// indexes the models replaced cost every write until dropped; checked at each start, as cheap
await dropSupersededIndexes().then(
  (dropped) => dropped.length > 0 && logger.info(`Indexes no longer used dropped: ${dropped.join(', ')}`),
  (error: Error) => logger.error({ err: error }, 'dropping indexes no longer used failed: writes are slower'),
);

const i18n = await createI18n(path.join(config.projectRoot, 'locales'), config.defaultLanguage);
configureNotices({ config, logger, i18n });
const loginSessions = loginSessionStore(mongoose.connection.db!, config.sessionIdleMs);
const app = createApp({
  config,
  logger,
  i18n,
  loginSessions,
  sessionSecret: await loadSessionSecret(config.sessionSecret, config.dataDir),
});

const server = app.listen(config.port, config.host, () => {
  logger.info(`Cadre is listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`);
});

const jobs = startBackgroundJobs(cadreJobs(loginSessions), logger);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  // a Ctrl-C reaches the embedded servers too: their exits are no deaths to restart from
  database.expectStop();
  logger.info(`${signal}: stopping`);
  server.close();
  await jobs.stop();
  await disconnectDatabase();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
