/**
 * Calendar dates as `YYYY-MM-DD` strings. Arithmetic goes through UTC midnight so it never
 * depends on the process's own time zone.
 */
export type CalendarDate = string;

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a well-formed date that exists on the calendar (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * The date `days` later (earlier when negative). Throws past year 9999: `toISOString` would write
 * "+010000-01-01", which sorts before "9999-12-31" and would never end a date loop.
 */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
  const year = next.getUTCFullYear();
  if (!(year >= 1 && year <= 9999)) {
    throw new RangeError(`${date} plus ${days} days is outside the years 0001-9999`);
  }
  return next.toISOString().slice(0, 10);
}

/** Number of days from `since` to `until`, both included. */
export function daysInclusive(since: CalendarDate, until: CalendarDate): number {
  return (
    Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / DAY_MS) + 1
  );
}

/** Every date from `since` to `until`, both included; the work is the length of the range. */
export function eachDate(since: CalendarDate, until: CalendarDate): CalendarDate[] {
  const count = Math.max(0, daysInclusive(since, until));
  return Array.from({ length: count }, (_, i) => addDays(since, i));
}

/** Today's calendar date in a time zone. */
export function todayIn(timezone: string, now = new Date()): CalendarDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(now);
}
