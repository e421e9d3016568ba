import type { Recurrence, Weekday } from '@wevion/shared';
import { WEEKDAYS } from '@wevion/shared';
import { DateTime } from 'luxon';

/**
 * Wall-clock time for schedules, through luxon (zone offsets from the IANA database). The DST
 * rule, the same for every zone:
 * - a local time inside the spring-forward gap runs at the first valid instant after it (the
 *   moment the clocks jump: 02:30 on a day New York skips 02:00–03:00 runs at 03:00 EDT);
 * - a local time that occurs twice at fall-back runs once, at its first occurrence.
 */

const MINUTE = 60_000;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall-clock fields of an instant in `zone`, as milliseconds on a UTC scale, for comparing. */
const wallMillis = (instant: number, zone: string) => {
  const local = DateTime.fromMillis(instant, { zone });
  return instant + local.offset * MINUTE;
};

/** The instant a local date and time names in `zone`, by the DST rule above. */
export function instantOf(local: LocalTime, zone: string): DateTime {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The zone's offsets around that wall time: one away from a transition, two near one.
  const offsets = new Set(
    [-36, 0, 36].map((hours) => DateTime.fromMillis(wall + hours * 3_600_000, { zone }).offset),
  );
  const readings = [...offsets].map((offset) => wall - offset * MINUTE);
  const valid = readings.filter((instant) => wallMillis(instant, zone) === wall);
  if (valid.length) return DateTime.fromMillis(Math.min(...valid), { zone });
  // In the gap: the first instant whose local time is past the requested one is the jump.
  let before = Math.min(...readings);
  let after = Math.max(...readings);
  while (after - before > MINUTE) {
    const middle = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
    if (wallMillis(middle, zone) >= wall) after = middle;
    else before = middle;
  }
  return DateTime.fromMillis(after, { zone });
}

const runsOn = (recurrence: Recurrence, date: DateTime): boolean => {
  switch (recurrence.frequency) {
    case 'daily':
      return true;
    case 'weekly':
      return recurrence.days.includes(WEEKDAYS[date.weekday - 1] as Weekday);
    case 'monthly': {
      // The 31st runs on the last day of shorter months, like "last".
      const last = date.daysInMonth!;
      const day = recurrence.day === 'last' ? last : Math.min(recurrence.day, last);
      return date.day === day;
    }
  }
};

/** The next `count` runs strictly after `after`, as instants in the schedule's zone. */
export function nextRuns(
  recurrence: Recurrence,
  zone: string,
  after: Date,
  count: number,
): DateTime[] {
  const [hour, minute] = recurrence.time.split(':').map(Number) as [number, number];
  const runs: DateTime[] = [];
  // From the day before (a run late today may still be ahead), one local date at a time.
  let date = DateTime.fromJSDate(after, { zone }).startOf('day').minus({ days: 1 });
  const limit = date.plus({ days: count * 31 + 3 });
  while (runs.length < count && date <= limit) {
    if (runsOn(recurrence, date)) {
      const run = instantOf(
        { year: date.year, month: date.month, day: date.day, hour, minute },
        zone,
      );
      if (run.toMillis() > after.getTime()) runs.push(run);
    }
    date = date.plus({ days: 1 });
  }
  return runs;
}

/** ISO 8601 with the zone's offset at that instant: `2026-12-07T09:00:00+01:00`. */
export const isoWithOffset = (run: DateTime): string =>
  run.toISO({ suppressMilliseconds: true, includeOffset: true })!;
