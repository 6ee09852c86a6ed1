import { installEqualityIndexes } from '../db/postgres-equality-indexes.ts';

// npm run db:postgres-indexes -- postgres://user:password@host:5432/database
// For a site whose MONGODB_URI is a FerretDB over PostgreSQL of its own: gives FerretDB's
// indexes the GIN twins that let PostgreSQL answer FerretDB's equality filters from an index
// (decision 0005; Cadre's embedded PostgreSQL gets them at every start). Needs a superuser (an
// event trigger makes the twins of indexes made later), and PostgreSQL started with
// plan_cache_mode=force_custom_plan (postgresql.conf), without which FerretDB's queries cannot
// use them. Safe to run again.

const url = process.argv[2] || process.env.POSTGRESQL_URL;
if (!url) {
  console.error(
    'Give the PostgreSQL address FerretDB uses: npm run db:postgres-indexes -- postgres://user:password@host:5432/db',
  );
  process.exit(2);
}
await installEqualityIndexes(url);
console.log('FerretDB’s indexes have their GIN twins, and indexes made from now on will get theirs.');
console.log('Check that PostgreSQL runs with plan_cache_mode = force_custom_plan (SHOW plan_cache_mode).');
