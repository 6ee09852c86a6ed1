import type { AllowedScan } from './query-shapes.ts';

// Queries that read a whole collection on purpose on MongoDB, each with its reason (decision
// 0010). Keep this list short: a new entry needs a reason a reviewer accepts. Shapes are written
// as the report prints them; an entry without a shape covers every query on its collection.

const TEST_CHECK = "a test's own check, by a field the app never queries; the test collections hold a few documents";

export const ALLOWED_SCANS: readonly AllowedScan[] = [
  {
    collection: 'institutions',
    reason:
      'tens of institutions per site (40 in the academy dataset): the list, its filters and searches read them all',
  },
  { collection: 'countries', reason: 'a handful of countries per site' },
  {
    collection: 'training_modules',
    reason:
      'tens to a few hundred modules per site (60 in the academy dataset): the catalogue and the lists sort the matches of their filters in memory',
  },
  {
    collection: 'curricula',
    reason: 'a few curricula per country: the list sorts the matches of its filters in memory',
  },
  {
    collection: 'users',
    shape: 'users: equal() other(searchTokens)',
    reason: 'once, at the first start after the upgrade (runOnce): removes the search tokens no query reads any more',
  },
  { collection: 'workplans', reason: 'a handful of workplans a country: the list reads them all' },
  { collection: 'test_merge_rows', reason: "the merge helper's own test collection, a few rows" },
  { collection: 'users', shape: 'users: equal(email)', reason: TEST_CHECK },
  { collection: 'users', shape: 'users: equal(email, gender)', reason: TEST_CHECK },
  { collection: 'users', shape: 'users: equal(serviceNumber)', reason: TEST_CHECK },
  { collection: 'users', shape: 'users: equal(gender) other(institution)', reason: TEST_CHECK },
  { collection: 'users', shape: 'users: equal() other(passwordHash)', reason: TEST_CHECK },
  { collection: 'users', shape: 'users: equal() other(email)', reason: TEST_CHECK },
  { collection: 'resources', shape: 'resources: equal(title)', reason: TEST_CHECK },
  { collection: 'resource_versions', shape: 'resource_versions: equal(originalName)', reason: TEST_CHECK },
  { collection: 'resource_versions', shape: 'resource_versions: equal() sort(version:1)', reason: TEST_CHECK },
];
