import type { CommandStartedEvent, Db } from 'mongodb';

// Every query the suite sends, reduced to its shape: the collection, the fields it matches by
// equality, the fields it sorts by. At the end of the run each shape must be served by an index
// (on MongoDB; FerretDB uses none of them, decision 0005), or be on the allow-list with its
// reason. MongoDB cannot run on these machines; this is how we know a MongoDB site stays fast.

type Direction = 1 | -1;

export type QueryShape = {
  collection: string;
  command: string;
  /** fields matched by a single value: { a: 1 }, { a: { $eq: 1 } }, { a: { $in: [1] } } */
  equality: string[];
  /** fields matched otherwise: ranges, $in of several values, patterns, $exists … */
  other: string[];
  sort: [string, Direction][];
  /** top-level equalities FerretDB hands to PostgreSQL (the rest it checks in Go, row by row) */
  pushedDown: string[];
};

export type IndexKey = [string, Direction | string][];

/** Queries that may scan, and why: one shape (`describeShape`'s text), or every query on a small collection. */
export type AllowedScan = { collection: string; shape?: string; reason: string };

function allows(entry: AllowedScan, shape: QueryShape): boolean {
  return entry.collection === shape.collection && (entry.shape === undefined || entry.shape === describeShape(shape));
}

const OPERATORS_OF_ONE_VALUE = new Set(['$eq']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isEquality(value: unknown): boolean {
  if (value instanceof RegExp) return false;
  if (!isPlainObject(value)) return true; // a scalar, an ObjectId, a Date, null
  const operators = Object.keys(value);
  if (!operators.every((key) => key.startsWith('$'))) return true; // an embedded document
  if (operators.length !== 1) return false;
  const [operator] = operators as [string];
  if (OPERATORS_OF_ONE_VALUE.has(operator)) return true;
  return operator === '$in' && Array.isArray(value.$in) && value.$in.length === 1;
}

/** A value FerretDB 1.24 pushes down to PostgreSQL in a top-level equality (its pushdown table). */
function isPushable(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean' || value instanceof Date) return true;
  if (typeof value === 'number') return Number.isInteger(value);
  return (value as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
}

/** The fields of a filter FerretDB pushes down: top level, no dots, a value (or $eq) it can compare in SQL. */
function pushedDownFields(filter: Record<string, unknown>): string[] {
  return Object.entries(filter)
    .filter(([key, value]) => {
      if (key.startsWith('$') || key.includes('.')) return false;
      const compared = isPlainObject(value) && Object.keys(value).join() === '$eq' ? value.$eq : value;
      return isPushable(compared);
    })
    .map(([key]) => key)
    .sort();
}

type Branch = { equality: Set<string>; other: Set<string> };

/** The branches a filter splits into: one, or one per $or alternative (each with the rest of the filter). */
function branchesOf(filter: Record<string, unknown>): Branch[] {
  let branches: Branch[] = [{ equality: new Set(), other: new Set() }];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) branches = combine(branches, branchesOf(part as Record<string, unknown>));
    } else if (key === '$or' && Array.isArray(value)) {
      branches = combine(
        branches,
        value.flatMap((part) => branchesOf(part as Record<string, unknown>)),
      );
    } else if (key.startsWith('$')) {
      for (const branch of branches) branch.other.add(key);
    } else {
      for (const branch of branches) (isEquality(value) ? branch.equality : branch.other).add(key);
    }
  }
  return branches;
}

function combine(left: Branch[], right: Branch[]): Branch[] {
  return left.flatMap((a) =>
    right.map((b) => ({
      equality: new Set([...a.equality, ...b.equality]),
      other: new Set([...a.other, ...b.other]),
    })),
  );
}

function sortOf(given: unknown): [string, Direction][] {
  // the driver sends a sort as a Map (its order is the sort's)
  const sort = given instanceof Map ? Object.fromEntries(given) : given;
  if (!isPlainObject(sort)) return [];
  return Object.entries(sort).map(([field, direction]) => [field, Number(direction) < 0 ? -1 : 1]);
}

type Query = { filter: Record<string, unknown>; sort: unknown };

/** The queries one command carries: find, count, distinct, update, delete, findAndModify, aggregate's $match. */
function queriesOf(command: Record<string, unknown>, name: string): Query[] {
  const asFilter = (value: unknown) => (isPlainObject(value) ? value : {});
  switch (name) {
    case 'find':
      return [{ filter: asFilter(command.filter), sort: command.sort }];
    case 'count':
    case 'distinct':
      return [{ filter: asFilter(command.query), sort: undefined }];
    case 'findAndModify':
      return [{ filter: asFilter(command.query), sort: command.sort }];
    case 'update':
      return ((command.updates as { q: unknown }[] | undefined) ?? []).map((u) => ({
        filter: asFilter(u.q),
        sort: undefined,
      }));
    case 'delete':
      return ((command.deletes as { q: unknown }[] | undefined) ?? []).map((d) => ({
        filter: asFilter(d.q),
        sort: undefined,
      }));
    case 'aggregate': {
      const stages = (command.pipeline as Record<string, unknown>[] | undefined) ?? [];
      const match = stages[0]?.$match;
      const sortStage = stages.find((stage) => '$sort' in stage);
      return [{ filter: asFilter(match), sort: sortStage?.$sort }];
    }
    default:
      return [];
  }
}

/** The shapes of one command sent to a collection; none for commands that read no documents. */
export function shapesOf(event: Pick<CommandStartedEvent, 'command' | 'commandName'>): QueryShape[] {
  const command = event.command as Record<string, unknown>;
  const collection = command[event.commandName];
  if (typeof collection !== 'string') return [];
  return queriesOf(command, event.commandName).flatMap(({ filter, sort }) =>
    branchesOf(filter).map((branch) => ({
      collection,
      command: event.commandName,
      equality: [...branch.equality].sort(),
      other: [...branch.other].sort(),
      sort: sortOf(sort),
      pushedDown: pushedDownFields(filter),
    })),
  );
}

/** One line naming a shape, for the report and the allow-list. */
export function describeShape(shape: QueryShape): string {
  const parts = [`${shape.collection}:`, `equal(${shape.equality.join(', ')})`];
  if (shape.other.length) parts.push(`other(${shape.other.join(', ')})`);
  if (shape.sort.length) parts.push(`sort(${shape.sort.map(([f, d]) => `${f}:${d}`).join(', ')})`);
  return parts.join(' ');
}

function sortMatches(sort: [string, Direction][], keys: IndexKey): boolean {
  if (keys.length < sort.length) return false;
  const same = sort.every(([field, direction], i) => keys[i]![0] === field && keys[i]![1] === direction);
  const reversed = sort.every(([field, direction], i) => keys[i]![0] === field && keys[i]![1] === -direction);
  return same || reversed;
}

/**
 * Whether an index serves the shape on MongoDB, by the equality–sort–range rule: the index's
 * leading keys are equality fields of the query (at least one, in any order), the next ones its
 * sort fields in order (or all reversed); further equality fields and ranges are checked on the
 * rows the index finds. An index that starts with the sort fields serves a sorted query whatever
 * its filter (MongoDB walks it in order, checking each row: a paged list). Without equality or
 * sort, the index starts with a range field. An equality on _id is always served; an empty filter without a
 * sort reads the whole collection on purpose.
 */
export function isServed(shape: QueryShape, indexes: IndexKey[]): boolean {
  if (shape.equality.includes('_id')) return true;
  const equal = new Set(shape.equality);
  // a sort on a field the query holds equal orders nothing
  const sort = shape.sort.filter(([field]) => !equal.has(field));
  if (!equal.size && !sort.length && !shape.other.length) return true;
  return indexes.some((keys) => {
    let prefix = 0;
    while (prefix < keys.length && equal.has(keys[prefix]![0])) prefix += 1;
    const rest = keys.slice(prefix);
    // walking the index in the sort's order, the other conditions checked on each row (a paged list)
    if (sort.length) return sortMatches(sort, rest);
    if (equal.size) return prefix > 0;
    return shape.other.includes(rest[0]?.[0] ?? '');
  });
}

/** The shapes a recorder has seen, each with the test that first sent it: plain data, to merge across processes. */
export type RecordedShapes = [string, { shape: QueryShape; where: string }][];

/** Collects shapes as commands go out, then checks them against a database's indexes. */
export class QueryShapeRecorder {
  private readonly seen = new Map<string, { shape: QueryShape; where: string }>();
  private currentTest: string | undefined = '(set-up)';

  constructor(private readonly ignoredCollections: ReadonlySet<string> = new Set()) {}

  /** Names the test whose queries follow, for the report; undefined pauses recording (the suite's own clearing). */
  enterTest(title: string | undefined): void {
    this.currentTest = title;
  }

  record = (event: CommandStartedEvent): void => {
    if (this.currentTest === undefined) return;
    for (const shape of shapesOf(event)) {
      if (this.ignoredCollections.has(shape.collection) || shape.collection.startsWith('system.')) continue;
      const key = `${shape.command} ${describeShape(shape)} pushed(${shape.pushedDown.join(', ')})`;
      if (!this.seen.has(key)) this.seen.set(key, { shape, where: this.currentTest });
    }
  };

  /** What this recorder has seen, to hand to another (absorb). */
  recorded(): RecordedShapes {
    return [...this.seen];
  }

  /** Adds what another recorder saw (another process running other test files). */
  absorb(shapes: RecordedShapes): void {
    for (const [key, seen] of shapes) if (!this.seen.has(key)) this.seen.set(key, seen);
  }

  /** The recorded shapes no index serves and no allow-list entry excuses, one line each. */
  async unserved(db: Db, allowed: readonly AllowedScan[]): Promise<string[]> {
    const indexesByCollection = new Map<string, IndexKey[]>();
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      const indexes = await db.collection(name).indexes();
      indexesByCollection.set(
        name,
        indexes.map((index) => Object.entries(index.key) as IndexKey),
      );
    }
    const problems: string[] = [];
    for (const { shape, where } of this.seen.values()) {
      if (allowed.some((entry) => allows(entry, shape))) continue;
      const indexes = indexesByCollection.get(shape.collection) ?? [[['_id', 1]]];
      if (!isServed(shape, indexes))
        problems.push(`${shape.command} ${describeShape(shape)}   (first sent in: ${where})`);
    }
    return [...new Set(problems)].sort();
  }

  /** The recorded shapes FerretDB cannot push down (no top-level equality it compares in SQL), one line each. */
  notPushedDown(): string[] {
    const lines = [...this.seen.values()]
      .filter(({ shape }) => !shape.pushedDown.length && !shape.equality.includes('_id'))
      .map(({ shape, where }) => `${shape.command} ${describeShape(shape)}   (first sent in: ${where})`);
    return [...new Set(lines)].sort();
  }

  /** Allow-list entries that no recorded query needed any more. */
  staleAllowances(allowed: readonly AllowedScan[]): string[] {
    const shapes = [...this.seen.values()].map(({ shape }) => shape);
    return allowed
      .filter((entry) => !shapes.some((shape) => allows(entry, shape)))
      .map((entry) => `${entry.collection}${entry.shape ? ` ${entry.shape}` : ''}`);
  }
}
