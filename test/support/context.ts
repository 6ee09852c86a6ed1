import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import type { Express } from 'express';
import type { i18n } from 'i18next';
import { createApp } from '../../src/app.ts';
import type { ApiLimits } from '../../src/api/api-auth.ts';
import { loginSessionStore } from '../../src/auth/login-session-store.ts';
import { SignInThrottle, type ThrottleLimits } from '../../src/auth/sign-in-throttle.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/http/logger.ts';
import { createI18n } from '../../src/i18n/i18n.ts';

export const testConfig: Config = {
  ...loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  // below the lowest a site may set (14, about 36 ms a hash here): the suite signs in thousands
  // of times. The same scrypt and the same code, with a smaller N (about 2 ms)
  passwordHashCost: 10,
};

let sharedI18n: Promise<i18n> | undefined;
export function testI18n(): Promise<i18n> {
  sharedI18n ??= createI18n(path.join(testConfig.projectRoot, 'locales'), 'en');
  return sharedI18n;
}

type AppOptions = { config?: Partial<Config>; throttle?: ThrottleLimits; apiLimits?: ApiLimits; logLines?: string[] };

/** A fresh app on the test database; logLines, when given, collects every log line written. */
export async function buildApp(options: AppOptions = {}): Promise<Express> {
  const config = { ...testConfig, ...options.config };
  const lines = options.logLines;
  const logger = lines
    ? createLogger(
        'debug',
        false,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      )
    : createLogger('silent', false);
  return createApp({
    config,
    logger,
    i18n: await testI18n(),
    // the login sessions go to this run's throwaway database too, never to the configured one
    loginSessions: loginSessionStore(mongoose.connection.db!, config.sessionIdleMs),
    sessionSecret: 'test-secret-test-secret-test-secret-0123',
    throttle: new SignInThrottle(options.throttle),
    apiLimits: options.apiLimits,
  });
}
