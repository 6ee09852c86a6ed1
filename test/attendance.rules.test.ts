import { expect } from 'chai';
import mongoose from 'mongoose';
import { attendancePolicy } from '../src/access/attendance.policy.ts';
import { authorize, can } from '../src/access/policy.ts';
import { HttpError } from '../src/http/errors.ts';
import { changeKind, needsReason, readRow, type Day, type MarkValue } from '../src/attendance/attendance-rules.ts';
import { attendanceShare, meetsThreshold, PARTIAL_DAY_DEFAULT } from '../src/attendance/attendance-share.ts';
import { academy, actors, kz, oid, session } from './support/policy-table.ts';

// The rules of attendance as plain functions: who may mark, when a change needs a reason, what
// a valid row is, and the share the closing rule compares with the module's threshold.

const at = (iso: string) => new Date(iso);
/** A day of `hours` hours from 09:00 UTC. */
const day = (date: string, hours = 8): Day => ({
  date,
  startsAt: at(`${date}T09:00:00Z`),
  endsAt: new Date(at(`${date}T09:00:00Z`).getTime() + hours * 3_600_000),
});
const mark = (status: MarkValue['status'], minutes: number | null = null, note = ''): MarkValue => ({
  status,
  minutes,
  note,
});

describe('attendance rules', () => {
  describe('who may mark (the attendance policy)', () => {
    const open = session(academy, kz, 'open'); // taught by actors.trainer
    const closed = { ...open, closedAt: new Date() };

    it('lets the session’s trainers, its coordinator and admins mark; refuses other trainers, coordinators and staff (403) and hides it abroad (404)', () => {
      for (const who of ['admin', 'coordinator', 'trainer'] as const) {
        expect(can(actors[who], attendancePolicy, 'mark', open), who).to.equal(true);
        expect(can(actors[who], attendancePolicy, 'view', open), who).to.equal(true);
      }
      for (const who of ['otherCoordinator', 'otherTrainer', 'staff'] as const) {
        expect(can(actors[who], attendancePolicy, 'view', open), who).to.equal(false);
        expect(() => authorize(actors[who], attendancePolicy, 'mark', open), who)
          .to.throw(HttpError)
          .with.property('status', 403);
      }
      expect(() => authorize(actors.foreignStaff, attendancePolicy, 'view', open))
        .to.throw(HttpError)
        .with.property('status', 404);
    });

    it('once the session is closed, refuses its trainers with the reason, and still lets the coordinator and admins', () => {
      expect(() => authorize(actors.trainer, attendancePolicy, 'mark', closed))
        .to.throw(HttpError)
        .with.property('messageKey', 'attendance:refused.closed');
      expect(can(actors.trainer, attendancePolicy, 'view', closed)).to.equal(true);
      expect(can(actors.coordinator, attendancePolicy, 'mark', closed)).to.equal(true);
      expect(can(actors.admin, attendancePolicy, 'mark', closed)).to.equal(true);
    });

    it('does not let a trainer of another session mark this one, even with the venue in their scope', () => {
      const taughtByOther = { ...open, trainers: [{ person: oid(actors.otherTrainer) }] };
      expect(can(actors.trainer, attendancePolicy, 'mark', taughtByOther)).to.equal(false);
      expect(can(actors.otherTrainer, attendancePolicy, 'mark', taughtByOther)).to.equal(true);
      expect(taughtByOther.trainers[0]!.person).to.be.instanceOf(mongoose.Types.ObjectId);
    });
  });

  describe('when a change needs a reason', () => {
    const d = day('2026-03-02');
    const during = at('2026-03-02T12:00:00Z');
    const atTheEnd = d.endsAt;
    const evening = at('2026-03-02T20:00:00Z');

    it('needs none until the day is over, for a first mark or a change', () => {
      expect(needsReason({ now: during, day: d, closed: false, existing: null })).to.equal(false);
      expect(needsReason({ now: during, day: d, closed: false, existing: mark('present') })).to.equal(false);
    });
    it('needs one to change a mark from the day’s end on (the end itself included)', () => {
      expect(needsReason({ now: atTheEnd, day: d, closed: false, existing: mark('present') })).to.equal(true);
      expect(needsReason({ now: evening, day: d, closed: false, existing: mark('absent') })).to.equal(true);
      expect(
        needsReason({ now: new Date(atTheEnd.getTime() - 1), day: d, closed: false, existing: mark('present') }),
      ).to.equal(false);
    });
    it('needs none for the first mark after the day (the paper sheet copied in the evening)', () => {
      expect(needsReason({ now: evening, day: d, closed: false, existing: null })).to.equal(false);
    });
    it('needs one for every change once the session is closed, a first mark included', () => {
      expect(needsReason({ now: evening, day: d, closed: true, existing: null })).to.equal(true);
      expect(needsReason({ now: during, day: d, closed: true, existing: mark('late', 30) })).to.equal(true);
    });
    it('tells an unchanged row from a first mark and a change', () => {
      expect(changeKind(null, mark('present'))).to.equal('first');
      expect(changeKind(mark('present'), mark('present'))).to.equal('unchanged');
      expect(changeKind(mark('late', 30), mark('late', 45))).to.equal('change');
      expect(changeKind(mark('excused', null, 'ill'), mark('excused', null, 'sick leave'))).to.equal('change');
    });
  });

  describe('a row as typed', () => {
    const d = day('2026-03-02', 7.5); // 450 minutes
    it('reads a status, minutes on a partial day, and a note', () => {
      expect(readRow({ status: 'late', minutes: '390', note: ' bus ' }, d).value).to.deep.equal(
        mark('late', 390, 'bus'),
      );
      expect(readRow({ status: 'left_early', minutes: '0' }, d).value).to.deep.equal(mark('left_early', 0));
      expect(readRow({ status: 'late', minutes: '450' }, d).value).to.deep.equal(mark('late', 450));
      expect(readRow({ status: 'late', minutes: '' }, d).value).to.deep.equal(mark('late', null));
    });
    it('ignores minutes on a whole day (present, absent, excused)', () => {
      expect(readRow({ status: 'present', minutes: '30' }, d).value).to.deep.equal(mark('present'));
      expect(readRow({ status: 'absent', minutes: 'x' }, d).value).to.deep.equal(mark('absent'));
    });
    it('refuses an unknown status, minutes out of range or not whole, and an excused day without a note', () => {
      expect(readRow({ status: 'asleep' }, d).errors.status?.key).to.equal('attendance:errors.status');
      expect(readRow({}, d).errors.status?.key).to.equal('validation.required');
      expect(readRow({ status: 'late', minutes: '451' }, d).errors.minutes).to.deep.equal({
        key: 'attendance:errors.minutes',
        params: { max: 450 },
      });
      for (const minutes of ['-1', '1.5', 'ten', '1e3']) {
        expect(readRow({ status: 'late', minutes }, d).errors.minutes?.key, minutes).to.equal(
          'attendance:errors.minutes',
        );
      }
      expect(readRow({ status: 'excused', note: '  ' }, d).errors.note?.key).to.equal('attendance:errors.noteRequired');
      expect(readRow({ status: 'excused', note: 'court summons' }, d).value).to.deep.equal(
        mark('excused', null, 'court summons'),
      );
    });
  });

  describe('the attendance share', () => {
    const days = [day('2026-03-02'), day('2026-03-03'), day('2026-03-04'), day('2026-03-05'), day('2026-03-06')]; // 5 × 480
    const marks = (...statuses: (MarkValue['status'] | [MarkValue['status'], number])[]) =>
      statuses.map((s, i) => {
        const [status, minutes] = Array.isArray(s) ? s : [s, null];
        return { date: days[i]!.date, status, minutes };
      });

    it('counts a present day whole and an absent day as nothing', () => {
      const share = attendanceShare(days, marks('present', 'present', 'present', 'present', 'absent'));
      expect(share).to.include({
        attendedMinutes: 4 * 480,
        scheduledMinutes: 5 * 480,
        share: 0.8,
        daysAttended: 4,
        days: 5,
      });
      expect(share.counts).to.deep.equal({ present: 4, late: 0, left_early: 0, absent: 1, excused: 0, unmarked: 0 });
    });
    it('passes exactly at the threshold and fails a minute below it', () => {
      expect(
        meetsThreshold(attendanceShare(days, marks('present', 'present', 'present', 'present', 'absent')), 80),
      ).to.equal(true);
      const oneMinuteShort = attendanceShare(days, marks('present', 'present', 'present', ['late', 479], 'absent'));
      expect(oneMinuteShort.attendedMinutes).to.equal(4 * 480 - 1);
      expect(meetsThreshold(oneMinuteShort, 80)).to.equal(false);
      // 80 % of 7.5 hours is 360 minutes: compared in minutes, not in floating point
      const short = [day('2026-03-02', 7.5)];
      expect(
        meetsThreshold(attendanceShare(short, [{ date: short[0]!.date, status: 'late', minutes: 360 }]), 80),
      ).to.equal(true);
      expect(
        meetsThreshold(attendanceShare(short, [{ date: short[0]!.date, status: 'late', minutes: 359 }]), 80),
      ).to.equal(false);
    });
    it('counts a partial day by its minutes, or by the stated default when none were given', () => {
      const given = attendanceShare(days, marks(['late', 420], ['left_early', 240]));
      expect(given.attendedMinutes).to.equal(420 + 240);
      expect(given.counts).to.include({ late: 1, left_early: 1, unmarked: 3 });
      const defaulted = attendanceShare(days, marks('late', 'left_early'));
      expect(defaulted.attendedMinutes).to.equal(2 * 480 * PARTIAL_DAY_DEFAULT);
      expect(PARTIAL_DAY_DEFAULT).to.equal(0.5);
    });
    it('counts an excused day as absent: in the denominator, no minutes, but counted apart', () => {
      const share = attendanceShare(days, marks('present', 'present', 'present', 'present', 'excused'));
      expect(share.share).to.equal(0.8);
      expect(share.counts).to.include({ excused: 1, absent: 0 });
      const mostlyExcused = attendanceShare(days, marks('present', 'excused', 'excused', 'excused', 'excused'));
      expect(meetsThreshold(mostlyExcused, 80)).to.equal(false);
    });
    it('counts days not marked yet as nothing, and says how many there are', () => {
      const share = attendanceShare(days, marks('present', 'present'));
      expect(share).to.include({ share: 0.4, daysAttended: 2 });
      expect(share.counts.unmarked).to.equal(3);
      expect(attendanceShare(days, []).counts.unmarked).to.equal(5);
    });
    it('ignores marks of dates that are not days of the session, and gives 0 for a session without days', () => {
      expect(attendanceShare(days, [{ date: '2026-04-01', status: 'present' }]).attendedMinutes).to.equal(0);
      const none = attendanceShare([], []);
      expect(none).to.include({ share: 0, scheduledMinutes: 0 });
      expect(meetsThreshold(none, 80)).to.equal(false);
      expect(meetsThreshold(none, 0)).to.equal(true);
    });
  });
});
