import { expect } from 'chai';
import mongoose from 'mongoose';
import { describeShape, isServed, shapesOf, type IndexKey } from './support/query-shapes.ts';

// The rules of the suite-wide check that every query is served by an index on MongoDB.

const id = new mongoose.Types.ObjectId();

function shapes(commandName: string, command: Record<string, unknown>) {
  return shapesOf({ commandName, command }).map(describeShape);
}

describe('query shapes', () => {
  it('reads equality, other fields and the sort of a find', () => {
    expect(
      shapes('find', {
        find: 'enrolments',
        filter: { session: id, state: { $in: ['seated', 'waitlisted'] }, createdAt: { $gte: new Date() } },
        sort: { createdAt: -1, _id: 1 },
      }),
    ).to.deep.equal(['enrolments: equal(session) other(createdAt, state) sort(createdAt:-1, _id:1)']);
  });

  it('reads a sort the driver sends as a Map, in its order', () => {
    expect(
      shapes('find', {
        find: 'sessions',
        filter: { institution: id },
        sort: new Map<string, number>([
          ['startsAt', -1],
          ['_id', -1],
        ]),
      }),
    ).to.deep.equal(['sessions: equal(institution) sort(startsAt:-1, _id:-1)']);
  });

  it('counts $eq, a one-value $in, null and an embedded document as equality, a pattern as not', () => {
    expect(
      shapes('find', {
        find: 'people',
        filter: { a: { $eq: 1 }, b: { $in: [id] }, c: null, d: { x: 1 }, e: /x/i, f: { $ne: 1 } },
      }),
    ).to.deep.equal(['people: equal(a, b, c, d) other(e, f)']);
  });

  it('splits $or into one shape per alternative, each with the rest of the filter', () => {
    expect(
      shapes('find', { find: 'sessions', filter: { institution: id, $or: [{ status: 'open' }, { trainer: id }] } }),
    ).to.deep.equal(['sessions: equal(institution, status)', 'sessions: equal(institution, trainer)']);
  });

  it('reads the filters of counts, updates, deletes, findAndModify and an aggregate’s first $match', () => {
    expect(
      shapes('aggregate', { aggregate: 'notices', pipeline: [{ $match: { person: id } }, { $group: {} }] }),
    ).to.deep.equal(['notices: equal(person)']);
    expect(
      shapes('update', { update: 'enrolments', updates: [{ q: { _id: id, state: 'seated' }, u: {} }] }),
    ).to.deep.equal(['enrolments: equal(_id, state)']);
    expect(shapes('delete', { delete: 'claims', deletes: [{ q: { enrolment: id } }] })).to.deep.equal([
      'claims: equal(enrolment)',
    ]);
    expect(shapes('findAndModify', { findAndModify: 'x', query: { a: 1 }, sort: { b: 1 } })).to.deep.equal([
      'x: equal(a) sort(b:1)',
    ]);
    expect(shapes('insert', { insert: 'x', documents: [{}] })).to.deep.equal([]);
  });

  it('names the top-level equalities FerretDB pushes down: strings, ids, booleans, dates, integers', () => {
    const [shape] = shapesOf({
      commandName: 'find',
      command: {
        find: 'x',
        filter: {
          a: 'text',
          b: id,
          c: true,
          d: new Date(),
          e: 3,
          f: { $eq: 'x' },
          g: 1.5,
          h: null,
          'i.j': 'x',
          k: { $in: ['x', 'y'] },
          $or: [{ l: 'x' }],
        },
      },
    });
    expect(shape!.pushedDown).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  describe('served by an index', () => {
    const indexes: IndexKey[] = [
      [['_id', 1]],
      [
        ['session', 1],
        ['state', 1],
        ['createdAt', -1],
      ],
      [['startsAt', 1]],
    ];
    const shape = (equality: string[], sort: [string, 1 | -1][] = [], other: string[] = []) => ({
      collection: 'c',
      command: 'find',
      equality,
      other,
      sort,
      pushedDown: [],
    });

    it('when the index starts with the equality fields in any order, then the sort fields', () => {
      expect(isServed(shape(['state', 'session']), indexes)).to.equal(true);
      expect(isServed(shape(['session']), indexes)).to.equal(true);
      expect(isServed(shape(['session', 'state'], [['createdAt', -1]]), indexes)).to.equal(true);
      expect(isServed(shape(['session', 'state'], [['createdAt', 1]]), indexes)).to.equal(true, 'all reversed');
    });

    it('by an index in the sort’s order, whatever the filter, walked and checked row by row', () => {
      expect(isServed(shape(['person'], [['startsAt', 1]]), indexes)).to.equal(true);
      expect(isServed(shape([], [['startsAt', -1]], ['title']), indexes)).to.equal(true);
    });

    it('with further equality fields checked on the rows the index finds', () => {
      expect(isServed(shape(['session', 'person']), indexes)).to.equal(true);
      expect(isServed(shape(['session', 'state', 'person'], [['createdAt', -1]]), indexes)).to.equal(true);
    });

    it('not when the index does not start with an equality field, or the sort does not follow them', () => {
      expect(isServed(shape(['state']), indexes)).to.equal(false);
      expect(isServed(shape(['person'], [['title', 1]]), indexes)).to.equal(false);
      expect(isServed(shape(['session'], [['createdAt', -1]]), indexes)).to.equal(false);
      expect(
        isServed(
          shape(
            ['session', 'state'],
            [
              ['createdAt', -1],
              ['_id', 1],
            ],
          ),
          indexes,
        ),
      ).to.equal(false);
    });

    it('whatever a sort on a field the query holds equal', () => {
      expect(isServed(shape(['session', 'state'], [['state', -1]]), indexes)).to.equal(true);
      expect(
        isServed(
          shape(
            ['session', 'state'],
            [
              ['state', 1],
              ['createdAt', -1],
            ],
          ),
          indexes,
        ),
      ).to.equal(true);
      expect(isServed(shape(['person'], [['person', 1]]), indexes)).to.equal(false, 'no index starts with person');
    });

    it('an equality on _id always; an empty filter always; a range only by an index starting with it', () => {
      expect(isServed(shape(['_id', 'state']), indexes)).to.equal(true);
      expect(isServed(shape([]), indexes)).to.equal(true);
      expect(isServed(shape([], [], ['startsAt']), indexes)).to.equal(true);
      expect(isServed(shape([], [], ['endsAt']), indexes)).to.equal(false);
      expect(isServed(shape([], [['startsAt', -1]]), indexes)).to.equal(true);
      expect(isServed(shape([], [['title', 1]]), indexes)).to.equal(false);
    });
  });
});
