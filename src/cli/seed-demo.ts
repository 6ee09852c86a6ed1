import { loadConfigOrExit } from '../config.ts';
import { withDatabase } from './with-database.ts';
import { DEMO_ACCOUNTS } from '../demo/demo-world.ts';
import { seedDemo, type SeedCount } from '../demo/seed.ts';

// npm run seed:demo: fills the database with the demo world (two countries, four institutions,
// about sixty staff, demo accounts that sign in with DEMO_PASSWORD, modules, curricula, and
// sessions past, running and upcoming). Safe to run again: it only adds what is missing; the
// sessions, dated from the day of the first run, are made once. For demonstrations and
// training, never for a live deployment.

const config = loadConfigOrExit();

const password = config.demoPassword;
if (!password) {
  console.error(
    'DEMO_PASSWORD is not set. The demo accounts need a password of at least 12 characters, e.g.\n' +
      "  DEMO_PASSWORD='a long demo passphrase' npm run seed:demo\n" +
      '(or put DEMO_PASSWORD in .env). Nothing was changed.',
  );
  process.exit(1);
}

await withDatabase(
  config,
  'Seeding failed; what was written before the failure stays, and a rerun completes it.',
  async () => {
    const started = Date.now();
    const summary = await seedDemo(password, config.passwordHashCost);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const line = (label: string, count: SeedCount) =>
      `  ${label.padEnd(13)} ${String(count.created).padStart(3)} created, ${count.existing} already there`;
    console.log(
      [
        `Demo data seeded in ${seconds} s:`,
        line('countries', summary.countries),
        line('institutions', summary.institutions),
        line('people', summary.people) +
          (summary.accountsCreated > 0 ? ` (${summary.accountsCreated} new accounts with an e-mail)` : ''),
        line('modules', summary.modules),
        line('curricula', summary.curricula),
        line('sessions', summary.sessions),
        `  completions   ${String(summary.completions.issued).padStart(3)} issued now` +
          (summary.completions.revoked + summary.completions.enteredByHand > 0
            ? ', one revoked, one entered by hand, one qualification granted from a training of trainers'
            : ''),
        '',
        'Sign in with DEMO_PASSWORD as:',
        ...DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(26)} ${a.description}`),
        'Every demo person with an e-mail uses the same password; the others cannot sign in.',
        ...(summary.people.existing > 0 ? ['Accounts that were already there keep the password they had.'] : []),
      ].join('\n'),
    );
  },
);
