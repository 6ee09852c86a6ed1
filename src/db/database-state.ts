// Whether the database answers, as far as Cadre knows: the supervisor of an embedded server
// says so when its child dies and when it is back; the Mongo driver says so from its
// heartbeats (the only source for a MONGODB_URI site). Down while any source says down.
// Requests are answered 503 at once during an outage instead of waiting on the driver.

export type DatabaseSource = 'PostgreSQL' | 'FerretDB' | 'driver' | (string & {});

const down = new Set<DatabaseSource>();

export function markDatabaseDown(source: DatabaseSource): void {
  down.add(source);
}

export function markDatabaseUp(source: DatabaseSource): void {
  down.delete(source);
}

export function isDatabaseDown(): boolean {
  return down.size > 0;
}

/** Seconds a client should wait before trying again during an outage. */
export const RETRY_AFTER_SECONDS = 5;

/** What the health check names: "FerretDB over PostgreSQL", set once the database is resolved. */
let kind = 'MongoDB';

export function setDatabaseKind(name: string): void {
  kind = name;
}

export function databaseKind(): string {
  return kind;
}
