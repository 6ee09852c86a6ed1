import { expect } from 'chai';
import {
  attendancePercent,
  proposeResult,
  type AttendanceTally,
  type ResultRules,
} from '../src/results/result-rules.ts';

// The proposal a closer starts from (decision 0013): the edges of the attendance threshold, of
// the pass mark, unmarked and excused days, and the no-show.

const DAY = 450; // 09:00–16:30
const threeDays = (attendedMinutes: number, over: Partial<AttendanceTally> = {}): AttendanceTally => ({
  attendedMinutes,
  countedMinutes: 3 * DAY,
  days: 3,
  markedDays: 3,
  daysAttended: 3,
  daysExcused: 0,
  ...over,
});
const rules = (over: Partial<ResultRules> = {}): ResultRules => ({
  attendanceThreshold: 80,
  hasPostTest: false,
  passMark: null,
  ...over,
});

describe('proposed results', () => {
  it('completes exactly at the attendance threshold, and not one minute below it', () => {
    expect(proposeResult(threeDays(1080), null, rules())).to.deep.equal({ outcome: 'completed', reasons: [] });
    const below = proposeResult(threeDays(1079), null, rules());
    expect(below.outcome).to.equal('not_completed');
    expect(below.reasons).to.deep.equal([{ code: 'attendanceBelow', percent: 79.9, threshold: 80 }]);
  });

  it('completes at exactly the pass mark, and spells out a post-test below it or missing', () => {
    const withTest = rules({ hasPostTest: true, passMark: 70 });
    expect(proposeResult(threeDays(3 * DAY), 70, withTest).outcome).to.equal('completed');
    expect(proposeResult(threeDays(3 * DAY), 69.9, withTest).reasons).to.deep.equal([
      { code: 'postTestBelow', score: 69.9, passMark: 70 },
    ]);
    expect(proposeResult(threeDays(3 * DAY), null, withTest).reasons).to.deep.equal([{ code: 'postTestMissing' }]);
  });

  it('ignores scores when the module has no post-test or no pass mark', () => {
    expect(proposeResult(threeDays(3 * DAY), 10, rules({ passMark: 70 })).outcome).to.equal('completed');
    expect(proposeResult(threeDays(3 * DAY), null, rules({ hasPostTest: true })).outcome).to.equal('completed');
  });

  it('gives every reason at once: too little attendance and a failed post-test', () => {
    const result = proposeResult(threeDays(DAY), 40, rules({ hasPostTest: true, passMark: 70 }));
    expect(result.outcome).to.equal('not_completed');
    expect(result.reasons.map((r) => r.code)).to.deep.equal(['attendanceBelow', 'postTestBelow']);
  });

  it('counts unmarked days as not attended, and says how many there are', () => {
    const result = proposeResult(threeDays(2 * DAY, { markedDays: 2, daysAttended: 2 }), null, rules());
    expect(result.reasons).to.deep.equal([
      { code: 'attendanceBelow', percent: 66.6, threshold: 80 },
      { code: 'daysNotMarked', count: 1 },
    ]);
  });

  it('counts an excused day as not attended (decision 0011): two days of three is below 80 %', () => {
    const tally = threeDays(2 * DAY, { daysAttended: 2, daysExcused: 1 });
    expect(proposeResult(tally, null, rules()).reasons).to.deep.equal([
      { code: 'attendanceBelow', percent: 66.6, threshold: 80 },
    ]);
  });

  it('does not complete someone excused every day, and says why', () => {
    const tally = threeDays(0, { daysAttended: 0, daysExcused: 3 });
    expect(proposeResult(tally, null, rules())).to.deep.equal({
      outcome: 'not_completed',
      reasons: [{ code: 'excusedEveryDay' }],
    });
  });

  it('is a no-show when every day is marked absent, but not while a day is unmarked', () => {
    expect(proposeResult(threeDays(0, { daysAttended: 0 }), null, rules())).to.deep.equal({
      outcome: 'no_show',
      reasons: [],
    });
    const unmarked = proposeResult(threeDays(0, { daysAttended: 0, markedDays: 2 }), null, rules());
    expect(unmarked.outcome).to.equal('not_completed');
  });

  it('rounds the attendance shown down, so 79.99 % never reads as 80 %', () => {
    expect(attendancePercent(threeDays(1079.9))).to.equal(79.9);
    expect(attendancePercent(threeDays(0, { countedMinutes: 0 }))).to.equal(null);
  });
});
