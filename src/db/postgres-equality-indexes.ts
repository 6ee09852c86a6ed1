import pg from 'pg';

// FerretDB pushes a top-level equality down to PostgreSQL as `_jsonb -> 'field' @> value`, and
// makes every MongoDB index a btree on `(_jsonb -> 'field')`. A btree cannot serve `@>`, so each
// pushed-down equality, `{_id}` included, read the whole table (30-45 ms at 50,000 rows).
// In its own cluster Cadre gives every such btree a GIN twin on its first field, which serves
// `@>` (3-4 ms through FerretDB, most of it FerretDB's own). An event trigger makes the twin as
// FerretDB makes the btree, and a backfill covers indexes made before the trigger existed.
// The twins only work with plan_cache_mode=force_custom_plan (postgres.ts): FerretDB sends the
// field name as a parameter, which a generic plan cannot match to an index. Decision 0005.

const INSTALL = String.raw`
CREATE OR REPLACE FUNCTION cadre_equality_index_for(btree oid) RETURNS void
LANGUAGE plpgsql AS $body$
DECLARE
  target regclass;
  first_key text;
  method text;
BEGIN
  SELECT i.indrelid::regclass, pg_get_indexdef(i.indexrelid, 1, false), am.amname
    INTO target, first_key, method
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am am ON am.oid = c.relam
   WHERE i.indexrelid = btree;
  -- only FerretDB's indexes on a plain top-level field; the pattern also keeps the SQL safe
  IF method IS DISTINCT FROM 'btree' OR first_key !~ '^\(\(_jsonb -> ''[A-Za-z0-9_]+''::text\)\)$' THEN
    RETURN;
  END IF;
  EXECUTE format(
    'CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s jsonb_path_ops) WITH (fastupdate = off)',
    left(replace(target::text, '"', ''), 40) || '_' || left(md5(first_key), 10) || '_eq',
    target,
    first_key
  );
END
$body$;

CREATE OR REPLACE FUNCTION cadre_equality_index_on_create() RETURNS event_trigger
LANGUAGE plpgsql AS $body$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'index' LOOP
    PERFORM cadre_equality_index_for(command.objid);
  END LOOP;
END
$body$;

DROP EVENT TRIGGER IF EXISTS cadre_equality_index;
CREATE EVENT TRIGGER cadre_equality_index ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX', 'CREATE TABLE')
  EXECUTE FUNCTION cadre_equality_index_on_create();

SELECT cadre_equality_index_for(i.indexrelid)
  FROM pg_index i
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
`;

/**
 * Installs (again: every statement is idempotent) the trigger that gives FerretDB's indexes their
 * GIN twins, and makes the twins of indexes that already exist. Takes a moment on a large site's
 * first start after upgrading, then nothing.
 */
export async function installEqualityIndexes(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(INSTALL);
  } finally {
    await client.end();
  }
}
