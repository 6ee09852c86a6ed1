import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES, type Language } from './i18n/i18n.ts';

// The one place that reads process.env. Everything else receives a Config.

const projectRoot = path.resolve(import.meta.dirname, '..');

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A whole number in a range; an empty value counts as unset, as for text (z.coerce would read it as 0). */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce.number().int().min(min).max(max).default(fallback),
  );

const booleanText = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const trustProxy = z
  .string()
  .trim()
  .transform((value): boolean | number | string => {
    if (value === 'true') return true;
    if (value === 'false' || value === '') return false;
    if (/^\d+$/.test(value)) return Number(value);
    return value; // a list of addresses or subnets, as Express understands it
  });

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: wholeNumber(0, 65535, 3000),
  MONGODB_URI: optionalText.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  MONGODB_DB_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only')
    .default('cadre'),
  /** ferretdb: over a private PostgreSQL; ferretdb-sqlite: over SQLite files (smallest, for a laptop) */
  EMBEDDED_DB: z.enum(['auto', 'mongod', 'ferretdb', 'ferretdb-sqlite']).default('auto'),
  /** when Cadre runs as root: the account the embedded PostgreSQL runs as (it refuses root) */
  EMBEDDED_DB_USER: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a user name of this machine')
      .optional(),
  ),
  DATA_DIR: z.string().trim().min(1).default(path.join(projectRoot, 'data')),
  CADRE_CACHE_DIR: z
    .string()
    .trim()
    .min(1)
    .default(path.join(os.homedir(), '.cache', 'cadre')),
  SESSION_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_IDLE_MINUTES: wholeNumber(1, 24 * 60, 30),
  SESSION_ABSOLUTE_HOURS: wholeNumber(1, 7 * 24, 12),
  TRUST_PROXY: trustProxy.default(false),
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  ADMIN_EMAIL: optionalText.pipe(z.email('must be an e-mail address').optional()),
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(12, 'must be at least 12 characters').max(128).optional()),
  /** the shared password of the demo accounts made by npm run seed:demo */
  DEMO_PASSWORD: optionalText.pipe(z.string().min(12, 'must be at least 12 characters').max(128).optional()),
  PASSWORD_HASH_COST: wholeNumber(14, 20, 17),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanText.optional(),
  DEFAULT_LANGUAGE: z.enum(LANGUAGES).default('en'),
  /** uploaded materials: files/ holds them under generated names, tmp/ the uploads being checked */
  UPLOADS_DIR: z.string().trim().min(1).default(path.join(projectRoot, 'uploads')),
  UPLOAD_MAX_MB: wholeNumber(1, 4096, 50),
  /** smtp://user:pass@host:587 or smtps://…:465; unset: no e-mail (a local outbox in development and tests) */
  SMTP_URL: optionalText.pipe(
    z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, 'must start with smtp:// or smtps://')
      .optional(),
  ),
  MAIL_FROM: z.string().trim().min(3).default('Cadre <no-reply@localhost>'),
});

// Cadre serves plain http, so an https address means a TLS proxy in front; unless it is
// trusted, requests look insecure, the Secure cookie is never set and nobody can sign in.
const configSchema = environmentSchema.refine(
  (e) => !(e.PUBLIC_URL?.startsWith('https://') && e.TRUST_PROXY === false),
  {
    path: ['TRUST_PROXY'],
    message: 'must name the TLS proxy in front of Cadre (e.g. loopback, 1 or true) when PUBLIC_URL is https',
  },
);

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  mongodbUri: string | undefined;
  mongodbDbName: string;
  embeddedDb: 'auto' | 'mongod' | 'ferretdb' | 'ferretdb-sqlite';
  /** root only: who runs the embedded PostgreSQL; unset: `postgres` if the machine has it, else `nobody` */
  embeddedDbUser: string | undefined;
  dataDir: string;
  cacheDir: string;
  sessionSecret: string | undefined;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  trustProxy: boolean | number | string;
  /** the address people use, e.g. https://cadre.example.org; https turns on Secure cookies and HSTS */
  publicUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** the shared password of the demo accounts (npm run seed:demo only) */
  demoPassword: string | undefined;
  passwordHashCost: number;
  logLevel: string;
  logPretty: boolean;
  defaultLanguage: Language;
  /** outside public/: files are served only through the download route */
  uploadsDir: string;
  /** the largest file one upload may carry */
  uploadMaxBytes: number;
  /** where e-mail goes out; never logged (it may hold a password) */
  smtpUrl: string | undefined;
  /** the From header of every e-mail */
  mailFrom: string;
  projectRoot: string;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; throws ConfigError naming every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    mongodbDbName: e.MONGODB_DB_NAME,
    embeddedDb: e.EMBEDDED_DB,
    embeddedDbUser: e.EMBEDDED_DB_USER,
    dataDir: path.resolve(e.DATA_DIR),
    cacheDir: path.resolve(e.CADRE_CACHE_DIR),
    sessionSecret: e.SESSION_SECRET,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    adminEmail: e.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    demoPassword: e.DEMO_PASSWORD,
    passwordHashCost: e.PASSWORD_HASH_COST,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY ?? e.NODE_ENV === 'development',
    defaultLanguage: e.DEFAULT_LANGUAGE,
    uploadsDir: path.resolve(e.UPLOADS_DIR),
    uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM.replace(/[\r\n]+/g, ' '),
    projectRoot,
  });
}

/**
 * The address at the start of every link Cadre hands out (password links): PUBLIC_URL, never
 * a request's Host header, which whoever sends the request chooses. Without PUBLIC_URL,
 * development and tests use the configured host and port; production has none (undefined),
 * and no link is issued until PUBLIC_URL is set.
 */
export function linkBaseUrl(config: Pick<Config, 'publicUrl' | 'env' | 'host' | 'port'>): string | undefined {
  if (config.publicUrl) return config.publicUrl;
  if (config.env === 'production') return undefined;
  // an address that means "every interface" is no place to send a browser
  const host = ['0.0.0.0', '::', '[::]'].includes(config.host) ? 'localhost' : config.host;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.port}`;
}

/**
 * For entry points (the server, the npm run scripts): reads .env when present, then the
 * environment; an invalid value ends the process with a message naming it.
 */
export function loadConfigOrExit(): Config {
  const envFile = path.join(projectRoot, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
