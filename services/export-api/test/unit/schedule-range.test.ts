import assert from 'node:assert/strict';
import { SCHEDULE_RANGES } from '@wevion/shared';
import { resolveRange } from '../../src/domain/schedule-range.ts';

/** The dates a run exports, from its own scheduled time in its zone (the table in docs/api.md). */
describe('schedule ranges', () => {
  // Monday 7 December 2026, 09:00 in Berlin.
  const monday = new Date('2026-12-07T08:00:00Z');

  it('when a Monday run resolves each range, then the dates are those of the API docs', () => {
    const expected: Record<(typeof SCHEDULE_RANGES)[number], [string, string]> = {
      last_7_days: ['2026-11-30', '2026-12-06'],
      last_14_days: ['2026-11-23', '2026-12-06'],
      last_30_days: ['2026-11-07', '2026-12-06'],
      last_90_days: ['2026-09-08', '2026-12-06'],
      previous_week: ['2026-11-30', '2026-12-06'],
      previous_month: ['2026-11-01', '2026-11-30'],
      previous_quarter: ['2026-07-03', '2026-09-30'],
      month_to_date: ['2026-12-01', '2026-12-07'],
    };
    for (const range of SCHEDULE_RANGES) {
      const { since, until } = resolveRange(range, monday, 'Europe/Berlin');
      assert.deepEqual([since, until], expected[range], range);
    }
  });

  it('when a quarter is longer than 90 days, then its last 90 are exported and the warning names the days left out', () => {
    const q3 = resolveRange('previous_quarter', monday, 'Europe/Berlin');
    assert.equal(q3.capped?.code, 'range_capped');
    assert.match(q3.capped!.message, /92 days.*2026-07-01 to 2026-07-02 are left out/);
    // January to March: 90 days in a common year (whole), 91 in a leap year (capped by one).
    const common = resolveRange('previous_quarter', new Date('2027-04-01T07:00:00Z'), 'UTC');
    assert.deepEqual(
      [common.since, common.until, common.capped],
      ['2027-01-01', '2027-03-31', null],
    );
    const leap = resolveRange('previous_quarter', new Date('2028-04-01T07:00:00Z'), 'UTC');
    assert.deepEqual([leap.since, leap.until], ['2028-01-02', '2028-03-31']);
  });

  it('when the run time is another day in UTC, then the local date decides', () => {
    // 00:30 on Monday in Tokyo is still Sunday in UTC: the previous week ends that Sunday.
    const tokyo = resolveRange('previous_week', new Date('2026-12-06T15:30:00Z'), 'Asia/Tokyo');
    assert.deepEqual([tokyo.since, tokyo.until], ['2026-11-30', '2026-12-06']);
    // 23:30 on Sunday in New York is Monday in UTC: that week is not over yet locally.
    const york = resolveRange(
      'previous_week',
      new Date('2026-12-07T04:30:00Z'),
      'America/New_York',
    );
    assert.deepEqual([york.since, york.until], ['2026-11-23', '2026-11-29']);
  });
});
