import type { Recurrence } from '@wevion/shared';
import assert from 'node:assert/strict';
import { isoWithOffset, nextRuns } from '../../src/domain/schedule-time.ts';

/** The next runs after an injected instant, as the API prints them. */
const runs = (recurrence: Recurrence, zone: string, after: string, count = 3) =>
  nextRuns(recurrence, zone, new Date(after), count).map(isoWithOffset);
const daily = (time: string): Recurrence => ({ frequency: 'daily', time });

describe('schedule times (the DST rule, month ends, weekdays)', () => {
  it('when New York springs forward, then 02:30 runs at 03:00 EDT, the first valid instant', () => {
    assert.deepEqual(runs(daily('02:30'), 'America/New_York', '2027-03-13T12:00:00Z'), [
      '2027-03-14T03:00:00-04:00',
      '2027-03-15T02:30:00-04:00',
      '2027-03-16T02:30:00-04:00',
    ]);
  });

  it('when New York falls back, then 01:30 runs once, at its first occurrence (EDT)', () => {
    assert.deepEqual(runs(daily('01:30'), 'America/New_York', '2026-10-31T12:00:00Z', 2), [
      '2026-11-01T01:30:00-04:00',
      '2026-11-02T01:30:00-05:00',
    ]);
  });

  it('when Berlin changes its clocks, then the gap runs at 03:00 CEST and the repeated hour once', () => {
    assert.deepEqual(runs(daily('02:30'), 'Europe/Berlin', '2027-03-27T12:00:00Z', 2), [
      '2027-03-28T03:00:00+02:00',
      '2027-03-29T02:30:00+02:00',
    ]);
    assert.deepEqual(runs(daily('02:30'), 'Europe/Berlin', '2026-10-24T12:00:00Z', 2), [
      '2026-10-25T02:30:00+02:00',
      '2026-10-26T02:30:00+01:00',
    ]);
  });

  it('when Sydney changes its clocks (southern spring in October), then the same rule holds', () => {
    assert.deepEqual(runs(daily('02:15'), 'Australia/Sydney', '2026-10-03T00:00:00Z', 1), [
      '2026-10-04T03:00:00+11:00',
    ]);
    assert.deepEqual(runs(daily('02:30'), 'Australia/Sydney', '2027-04-03T00:00:00Z', 2), [
      '2027-04-04T02:30:00+11:00',
      '2027-04-05T02:30:00+10:00',
    ]);
  });

  it('when the zone is Kolkata (+05:30, no DST), then every run keeps its half hour', () => {
    assert.deepEqual(runs(daily('09:00'), 'Asia/Kolkata', '2026-12-06T12:00:00Z', 2), [
      '2026-12-07T09:00:00+05:30',
      '2026-12-08T09:00:00+05:30',
    ]);
  });

  it('when Chatham (+12:45/+13:45) changes at 02:45, then its quarter-hour transitions follow the rule', () => {
    assert.deepEqual(runs(daily('03:00'), 'Pacific/Chatham', '2026-09-26T00:00:00Z', 2), [
      '2026-09-27T03:45:00+13:45',
      '2026-09-28T03:00:00+13:45',
    ]);
    assert.deepEqual(runs(daily('03:00'), 'Pacific/Chatham', '2027-04-03T00:00:00Z', 2), [
      '2027-04-04T03:00:00+13:45',
      '2027-04-05T03:00:00+12:45',
    ]);
  });

  it('when a monthly schedule names the 31st, then shorter months run on their last day', () => {
    const monthly: Recurrence = { frequency: 'monthly', day: 31, time: '08:00' };
    assert.deepEqual(runs(monthly, 'UTC', '2027-01-15T00:00:00Z', 4), [
      '2027-01-31T08:00:00Z',
      '2027-02-28T08:00:00Z',
      '2027-03-31T08:00:00Z',
      '2027-04-30T08:00:00Z',
    ]);
  });

  it('when a monthly schedule says "last", then February is the 29th in a leap year and the 28th otherwise', () => {
    const last: Recurrence = { frequency: 'monthly', day: 'last', time: '23:30' };
    assert.deepEqual(runs(last, 'Europe/Berlin', '2028-02-01T00:00:00Z', 1), [
      '2028-02-29T23:30:00+01:00',
    ]);
    assert.deepEqual(runs(last, 'Europe/Berlin', '2027-02-01T00:00:00Z', 1), [
      '2027-02-28T23:30:00+01:00',
    ]);
  });

  it('when a weekly schedule spans the fall-back, then each run keeps its local time and weekday', () => {
    const weekly: Recurrence = { frequency: 'weekly', days: ['MON', 'THU'], time: '09:00' };
    assert.deepEqual(runs(weekly, 'America/New_York', '2026-10-29T00:00:00Z'), [
      '2026-10-29T09:00:00-04:00',
      '2026-11-02T09:00:00-05:00',
      '2026-11-05T09:00:00-05:00',
    ]);
  });

  it('when a weekly schedule spans the spring-forward, then each run keeps its local time and weekday', () => {
    const weekly: Recurrence = { frequency: 'weekly', days: ['SUN'], time: '02:30' };
    assert.deepEqual(runs(weekly, 'Europe/Berlin', '2027-03-20T00:00:00Z'), [
      '2027-03-21T02:30:00+01:00',
      '2027-03-28T03:00:00+02:00',
      '2027-04-04T02:30:00+02:00',
    ]);
  });

  it('when the time is later today, then today is the next run; an earlier one moves to tomorrow', () => {
    assert.deepEqual(runs(daily('18:00'), 'Asia/Tokyo', '2026-12-06T08:00:00Z', 1), [
      '2026-12-06T18:00:00+09:00',
    ]);
    assert.deepEqual(runs(daily('09:00'), 'Asia/Tokyo', '2026-12-06T08:00:00Z', 1), [
      '2026-12-07T09:00:00+09:00',
    ]);
  });
});
