import { expect } from 'chai';
import mongoose from 'mongoose';
import { findAcross, findPage, findPageAcross } from '../src/db/find-page.ts';
import { anyOf } from '../src/db/query.ts';
import { PAGE_SIZE } from '../src/db/pagination.ts';

// One query per value merged in code must give exactly the page, order and counts that one
// query over all the values gives (decision 0005): ties, several pages, descending, clamping.

const rowSchema = new mongoose.Schema({
  group: { type: mongoose.Schema.Types.ObjectId, required: true },
  at: { type: Date },
  name: { type: String, required: true },
  kind: { type: String, required: true },
});
const Row = mongoose.models.MergeRow ?? mongoose.model('MergeRow', rowSchema, 'test_merge_rows');
type RowRecord = {
  _id: mongoose.Types.ObjectId;
  group: mongoose.Types.ObjectId;
  at?: Date;
  name: string;
  kind: string;
};

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
const ids = (rows: { _id: mongoose.Types.ObjectId }[]) => rows.map((r) => r._id.toHexString());

describe('findPageAcross: one query per value, merged', () => {
  const groups = [new mongoose.Types.ObjectId(), new mongoose.Types.ObjectId(), new mongoose.Types.ObjectId()];

  /** The same page read by one query over every value: the order the merge must give. */
  function reference(values: mongoose.Types.ObjectId[], filter: object, page: number, sort: Record<string, 1 | -1>) {
    return findPage<RowRecord>(Row, { ...filter, group: anyOf(values) }, page, { sort });
  }

  it('merges the values in sort order, ties broken by _id as one query breaks them', async () => {
    // the same three moments in every group: each moment ties across the groups
    for (const group of groups) {
      for (const n of [3, 1, 2]) await Row.create({ group, at: day(n), name: `n${n}`, kind: 'a' });
    }
    const merged = await findPageAcross<RowRecord>(Row, 'group', groups, {}, 1, { sort: { at: 1 }, perValue: true });
    const one = await reference(groups, {}, 1, { at: 1 });
    expect(ids(merged.items)).to.deep.equal(ids(one.items));
    expect(merged.items.map((r) => r.name)).to.deep.equal(['n1', 'n1', 'n1', 'n2', 'n2', 'n2', 'n3', 'n3', 'n3']);
    expect(merged.total).to.equal(9);
  });

  it('pages across the values: every page as one query pages, counts summed, the rest filtered in each query', async () => {
    const rows = [];
    for (let i = 0; i < 70; i++) {
      rows.push({ group: groups[i % 3]!, at: day(i % 17), name: `r${i}`, kind: i % 5 === 0 ? 'skip' : 'keep' });
    }
    await Row.insertMany(rows);
    const filter = { kind: 'keep' };
    const sorts: Record<string, 1 | -1>[] = [{ at: 1 }, { at: -1 }, { name: 1 }];
    for (const sort of sorts) {
      for (const page of [1, 2, 3]) {
        const merged = await findPageAcross<RowRecord>(Row, 'group', groups, filter, page, { sort, perValue: true });
        const one = await reference(groups, filter, page, sort);
        expect(ids(merged.items), `${JSON.stringify(sort)} page ${page}`).to.deep.equal(ids(one.items));
        expect(merged).to.include({ total: 56, page, pageCount: 3 });
        // where equalities are not pushed down (FerretDB over SQLite) it is one $in query: the same page
        const atOnce = await findPageAcross<RowRecord>(Row, 'group', groups, filter, page, { sort, perValue: false });
        expect(atOnce).to.deep.equal(merged);
      }
    }
    const last = await findPageAcross<RowRecord>(Row, 'group', groups, filter, 3, { sort: { at: 1 }, perValue: true });
    expect(last.items).to.have.length(56 - 2 * PAGE_SIZE);
  });

  it('clamps the page, counts a repeated value once, and answers an empty page for no values', async () => {
    for (let i = 0; i < 30; i++) await Row.create({ group: groups[i % 2], at: day(i), name: `r${i}`, kind: 'a' });
    const beyond = await findPageAcross<RowRecord>(Row, 'group', [groups[0], groups[1], groups[0]], {}, 9, {
      sort: { at: 1 },
      perValue: true,
    });
    expect(beyond).to.include({ total: 30, page: 2, pageCount: 2 });
    expect(beyond.items.map((r) => r.name)).to.deep.equal(['r25', 'r26', 'r27', 'r28', 'r29']);
    const onlyEmpty = await findPageAcross<RowRecord>(Row, 'group', [groups[2]], {}, 1, {
      sort: { at: 1 },
      perValue: true,
    });
    expect(onlyEmpty).to.deep.equal({ items: [], page: 1, pageCount: 1, total: 0 });
    const none = await findPageAcross<RowRecord>(Row, 'group', [], {}, 3, { sort: { at: 1 }, perValue: true });
    expect(none).to.deep.equal({ items: [], page: 1, pageCount: 1, total: 0 });
  });

  it('puts rows without the sort field first, as the database does', async () => {
    await Row.create({ group: groups[0], at: day(1), name: 'dated', kind: 'a' });
    await Row.create({ group: groups[1], name: 'undated', kind: 'a' });
    const merged = await findPageAcross<RowRecord>(Row, 'group', groups, {}, 1, { sort: { at: 1 }, perValue: true });
    expect(merged.items.map((r) => r.name)).to.deep.equal(['undated', 'dated']);
  });

  it('findAcross: every matching row of the values in order, at most the limit', async () => {
    for (let i = 0; i < 12; i++) await Row.create({ group: groups[i % 3], at: day(12 - i), name: `r${i}`, kind: 'a' });
    const all = await findAcross<RowRecord>(Row, 'group', groups.slice(0, 2), {}, { sort: { at: 1 }, perValue: true });
    expect(all.map((r) => r.name)).to.deep.equal(['r10', 'r9', 'r7', 'r6', 'r4', 'r3', 'r1', 'r0']);
    const some = await findAcross<RowRecord>(Row, 'group', groups, {}, { sort: { at: -1 }, limit: 4, perValue: true });
    expect(some.map((r) => r.name)).to.deep.equal(['r0', 'r1', 'r2', 'r3']);
  });

  it('findPage: a list of many matches (on FerretDB read once, its page kept as the rows stream past) gives the pages one sort gives', async () => {
    const rows = [];
    for (let i = 0; i < 140; i++) rows.push({ group: groups[i % 3]!, at: day(i % 9), name: `m${i}`, kind: 'many' });
    await Row.insertMany(rows);
    const all = await Row.find().where('kind').equals('many').lean<RowRecord[]>();
    for (const direction of [1, -1] as const) {
      // the expected order: the day, then _id the same way (as every list breaks ties)
      const expected = [...all].sort(
        (a, b) =>
          direction * (a.at!.getTime() - b.at!.getTime() || a._id.toHexString().localeCompare(b._id.toHexString())),
      );
      for (const page of [0, 1, 3, 6, 9]) {
        const found = await findPage<RowRecord>(Row, { kind: 'many' }, page, { sort: { at: direction } });
        const shown = Math.min(Math.max(page, 1), 6);
        expect(found).to.include({ total: 140, page: shown, pageCount: 6 });
        expect(ids(found.items), `direction ${direction}, page ${page}`).to.deep.equal(
          ids(expected.slice((shown - 1) * PAGE_SIZE, shown * PAGE_SIZE)),
        );
        expect(found.items[0]).to.have.keys('_id', 'group', 'at', 'name', 'kind', '__v');
      }
    }
    // a whole number of pages: beyond the end is the last full page; no match is one empty page
    await Row.deleteMany({
      kind: 'many',
      name: anyOf(Array.from({ length: 15 }, (_, i) => `m${i}`)),
    });
    const whole = await findPage<RowRecord>(Row, { kind: 'many' }, 7, { sort: { name: 1 } });
    expect(whole).to.include({ total: 125, page: 5, pageCount: 5 });
    expect(whole.items.map((r) => r.name)).to.deep.equal(
      all
        .map((r) => r.name)
        .filter((n) => Number(n.slice(1)) >= 15)
        .sort()
        .slice(100),
    );
    expect(await findPage<RowRecord>(Row, { kind: 'none' }, 3, { sort: { at: 1 } })).to.deep.equal({
      items: [],
      page: 1,
      pageCount: 1,
      total: 0,
    });
  });
});
