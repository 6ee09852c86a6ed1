import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, linkBaseUrl, loadConfig } from '../src/config.ts';

// The environment is read once, checked, and turned into a frozen Config.

/** The problems loadConfig reports for an environment, none when it is valid. */
function problemsWith(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('configuration', () => {
  it('when nothing is set, every value has its default', () => {
    const config = loadConfig({});
    expect(config).to.deep.include({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      mongodbUri: undefined,
      mongodbDbName: 'cadre',
      embeddedDb: 'auto',
      embeddedDbUser: undefined,
      sessionSecret: undefined,
      sessionIdleMs: 30 * 60_000,
      sessionAbsoluteMs: 12 * 3_600_000,
      trustProxy: false,
      publicUrl: undefined,
      adminEmail: undefined,
      adminPassword: undefined,
      passwordHashCost: 17,
      logLevel: 'info',
      logPretty: true,
      defaultLanguage: 'en',
    });
    expect(config.cacheDir).to.equal(path.join(os.homedir(), '.cache', 'cadre'));
    expect(config.dataDir).to.equal(path.join(config.projectRoot, 'data'));
  });

  it('when loaded, the configuration cannot be changed afterwards', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('when given an environment object, it reads only that, not process.env', () => {
    expect(loadConfig({ PORT: '4321' }).port).to.equal(4321);
    expect(loadConfig({}).port).to.equal(3000);
  });

  it('when a variable is set but empty, it counts as unset', () => {
    const config = loadConfig({
      PORT: '',
      MONGODB_URI: '',
      SESSION_SECRET: '  ',
      SESSION_IDLE_MINUTES: '',
      PASSWORD_HASH_COST: ' ',
      PUBLIC_URL: '',
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      TRUST_PROXY: '',
    });
    expect(config.port).to.equal(3000);
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.sessionSecret).to.equal(undefined);
    expect(config.sessionIdleMs).to.equal(30 * 60_000);
    expect(config.passwordHashCost).to.equal(17);
    expect(config.publicUrl).to.equal(undefined);
    expect(config.adminEmail).to.equal(undefined);
    expect(config.adminPassword).to.equal(undefined);
    expect(config.trustProxy).to.equal(false);
  });

  it('when valid values are given, they are parsed into their types', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '8080',
      MONGODB_URI: 'mongodb+srv://cadre:secret@db.example.org/',
      MONGODB_DB_NAME: 'cadre_prod',
      SESSION_SECRET: 's'.repeat(32),
      SESSION_IDLE_MINUTES: '15',
      SESSION_ABSOLUTE_HOURS: '8',
      PUBLIC_URL: 'https://cadre.example.org/',
      TRUST_PROXY: 'loopback',
      ADMIN_EMAIL: 'Admin@Example.ORG',
      ADMIN_PASSWORD: 'a long admin passphrase',
      PASSWORD_HASH_COST: '18',
      LOG_LEVEL: 'warn',
      DEFAULT_LANGUAGE: 'ar',
    });
    expect(config).to.deep.include({
      env: 'production',
      host: '0.0.0.0',
      port: 8080,
      mongodbUri: 'mongodb+srv://cadre:secret@db.example.org/',
      mongodbDbName: 'cadre_prod',
      sessionIdleMs: 15 * 60_000,
      sessionAbsoluteMs: 8 * 3_600_000,
      publicUrl: 'https://cadre.example.org',
      trustProxy: 'loopback',
      adminEmail: 'admin@example.org',
      passwordHashCost: 18,
      logLevel: 'warn',
      logPretty: false,
      defaultLanguage: 'ar',
    });
  });

  for (const value of ['auto', 'mongod', 'ferretdb', 'ferretdb-sqlite'] as const) {
    it(`when EMBEDDED_DB is ${value}, that embedded database is chosen`, () => {
      expect(loadConfig({ EMBEDDED_DB: value }).embeddedDb).to.equal(value);
    });
  }

  it('when EMBEDDED_DB_USER is set, it names the account of the embedded PostgreSQL', () => {
    expect(loadConfig({ EMBEDDED_DB_USER: 'cadre-db' }).embeddedDbUser).to.equal('cadre-db');
  });

  for (const [value, expected] of [
    ['true', true],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
  ] as const) {
    it(`when TRUST_PROXY is ${JSON.stringify(value)}, Express is given ${JSON.stringify(expected)}`, () => {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy).to.equal(expected);
    });
  }

  it('when PUBLIC_URL is https but no proxy is trusted, loading fails: no session cookie could ever be set', () => {
    const problems = problemsWith({ PUBLIC_URL: 'https://cadre.example.org' });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^TRUST_PROXY: .*PUBLIC_URL is https/);
    expect(problemsWith({ PUBLIC_URL: 'https://cadre.example.org', TRUST_PROXY: 'false' })).to.have.length(1);
    expect(loadConfig({ PUBLIC_URL: 'https://cadre.example.org', TRUST_PROXY: 'loopback' }).trustProxy).to.equal(
      'loopback',
    );
    expect(loadConfig({ PUBLIC_URL: 'http://cadre.example.org' }).trustProxy).to.equal(false);
  });

  it('when LOG_PRETTY is set, it wins over the environment’s default', () => {
    expect(loadConfig({ LOG_PRETTY: 'false' }).logPretty).to.equal(false);
    expect(loadConfig({ NODE_ENV: 'production', LOG_PRETTY: '1' }).logPretty).to.equal(true);
  });

  const invalid: [variable: string, value: string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['PORT', '-1'],
    ['SESSION_SECRET', 'too short for a secret'],
    ['MONGODB_URI', 'http://db.example.org:27017/'],
    ['MONGODB_URI', 'postgres://db.example.org/'],
    ['ADMIN_EMAIL', 'not-an-address'],
    ['ADMIN_PASSWORD', 'short'],
    ['NODE_ENV', 'staging'],
    ['MONGODB_DB_NAME', 'bad name/with slash'],
    ['EMBEDDED_DB', 'sqlite'],
    ['EMBEDDED_DB', 'postgres'],
    ['EMBEDDED_DB_USER', 'Robert; rm'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['SESSION_ABSOLUTE_HOURS', '1000'],
    ['PUBLIC_URL', 'ftp://cadre.example.org'],
    ['PUBLIC_URL', 'not a url'],
    ['PASSWORD_HASH_COST', '10'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_PRETTY', 'yes'],
    ['DEFAULT_LANGUAGE', 'de'],
  ];
  for (const [variable, value] of invalid) {
    it(`when ${variable} is ${JSON.stringify(value)}, loading fails naming ${variable}`, () => {
      const problems = problemsWith({ [variable]: value });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(new RegExp(`^${variable}: `));
    });
  }

  it('when several variables are invalid, the error names each of them in its message', () => {
    const env = {
      PORT: 'abc',
      SESSION_SECRET: 'short',
      MONGODB_URI: 'http://db.example.org/',
      ADMIN_EMAIL: 'nobody',
      HOST: 'localhost',
    };
    const problems = problemsWith(env);
    expect(problems.map((p) => p.split(':')[0])).to.have.members([
      'PORT',
      'SESSION_SECRET',
      'MONGODB_URI',
      'ADMIN_EMAIL',
    ]);
    expect(problems.find((p) => p.startsWith('SESSION_SECRET'))).to.include('at least 32 characters');
    expect(problems.find((p) => p.startsWith('MONGODB_URI'))).to.include('mongodb://');
    expect(problems.find((p) => p.startsWith('ADMIN_EMAIL'))).to.include('e-mail address');
    for (const variable of ['PORT', 'SESSION_SECRET', 'MONGODB_URI', 'ADMIN_EMAIL']) {
      expect(() => loadConfig(env)).to.throw(ConfigError, new RegExp(`^Invalid configuration:[^]*\n  - ${variable}: `));
    }
  });

  it('when the session secret is invalid, its value never appears in the error', () => {
    const problems = problemsWith({ SESSION_SECRET: 'my-secret-value', ADMIN_PASSWORD: 'tiny-secret' });
    expect(problems.join('\n')).not.to.include('my-secret-value');
    expect(problems.join('\n')).not.to.include('tiny-secret');
  });
});

describe('the address of the links Cadre hands out', () => {
  it('when PUBLIC_URL is set, links start with it, without a trailing slash, in every environment', () => {
    for (const NODE_ENV of ['development', 'production', 'test']) {
      expect(linkBaseUrl(loadConfig({ NODE_ENV, PUBLIC_URL: 'http://cadre.example.org/' }))).to.equal(
        'http://cadre.example.org',
      );
    }
  });

  it('when PUBLIC_URL is not set in production, there is no address: no link is issued', () => {
    expect(linkBaseUrl(loadConfig({ NODE_ENV: 'production', HOST: 'cadre.example.org', PORT: '80' }))).to.equal(
      undefined,
    );
  });

  it('when PUBLIC_URL is not set in development or tests, links use the configured host and port', () => {
    expect(linkBaseUrl(loadConfig({}))).to.equal('http://127.0.0.1:3000');
    expect(linkBaseUrl(loadConfig({ NODE_ENV: 'test', HOST: '192.168.1.20', PORT: '8080' }))).to.equal(
      'http://192.168.1.20:8080',
    );
    expect(linkBaseUrl(loadConfig({ HOST: '::1' }))).to.equal('http://[::1]:3000');
  });

  it('when Cadre listens on every interface, development links name localhost instead', () => {
    expect(linkBaseUrl(loadConfig({ HOST: '0.0.0.0' }))).to.equal('http://localhost:3000');
    expect(linkBaseUrl(loadConfig({ HOST: '::', PORT: '4000' }))).to.equal('http://localhost:4000');
  });
});
