import assert from 'node:assert/strict';
import { localDays, previousPeriod } from '../../src/domain/local-days.ts';

const iso = (d: Date) => d.toISOString();

describe('local days', () => {
  it('when New York springs forward (2026-03-08), then that day has 23 hours from 05:00Z', () => {
    const [before, day, after] = localDays('2026-03-07', '2026-03-09', 'America/New_York');
    assert.equal(iso(before!.startsAt), '2026-03-07T05:00:00.000Z');
    assert.equal(iso(day!.startsAt), '2026-03-08T05:00:00.000Z');
    assert.equal(iso(day!.endsAt), '2026-03-09T04:00:00.000Z');
    assert.equal(day!.hours, 23);
    assert.equal(before!.hours, 24);
    assert.equal(after!.hours, 24);
  });

  it('when Berlin falls back (2026-10-25), then that day has 25 hours', () => {
    const [day] = localDays('2026-10-25', '2026-10-25', 'Europe/Berlin');
    assert.equal(iso(day!.startsAt), '2026-10-24T22:00:00.000Z');
    assert.equal(iso(day!.endsAt), '2026-10-25T23:00:00.000Z');
    assert.equal(day!.hours, 25);
  });

  it('when the zone is Asia/Kolkata (+05:30), then days start at 18:30Z the day before', () => {
    const days = localDays('2026-10-24', '2026-10-25', 'Asia/Kolkata');
    assert.deepEqual(
      days.map((d) => [d.date, iso(d.startsAt), d.hours]),
      [
        ['2026-10-24', '2026-10-23T18:30:00.000Z', 24],
        ['2026-10-25', '2026-10-24T18:30:00.000Z', 24],
      ],
    );
  });

  it('when midnight itself is skipped by DST (America/Santiago, 2026-09-06), then the day starts at 01:00 local', () => {
    const [day] = localDays('2026-09-06', '2026-09-06', 'America/Santiago');
    assert.equal(iso(day!.startsAt), '2026-09-06T04:00:00.000Z');
    assert.equal(day!.hours, 23);
  });

  it('when a previous period is asked, then it has as many days and ends the day before since', () => {
    assert.deepEqual(previousPeriod('2026-03-02', '2026-03-03'), {
      since: '2026-02-28',
      until: '2026-03-01',
    });
    assert.deepEqual(previousPeriod('2026-03-01', '2026-03-31'), {
      since: '2026-01-29',
      until: '2026-02-28',
    });
    assert.deepEqual(previousPeriod('2024-03-01', '2024-03-01'), {
      since: '2024-02-29',
      until: '2024-02-29',
    });
    assert.deepEqual(previousPeriod('2026-08-01', '2026-10-29'), {
      since: '2026-05-03',
      until: '2026-07-31',
    });
  });
});
