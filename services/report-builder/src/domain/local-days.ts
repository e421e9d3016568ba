import { addDays, daysInclusive, eachDate, type CalendarDate } from '@wevion/shared';

/** One calendar day of the report's time zone as a half-open UTC interval. */
export interface LocalDay {
  date: CalendarDate;
  startsAt: Date;
  endsAt: Date;
  /** 24 except on daylight-saving transitions (23 or 25 hours, sometimes 23.5 or 24.5). */
  hours: number;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timezone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClockFormats.set(timezone, format);
  }
  return format;
}

/** Offset of the zone from UTC at instant `t`, in ms (Europe/Berlin in summer: +7_200_000). */
function offsetAt(timezone: string, t: number): number {
  const parts = Object.fromEntries(
    wallClockFormat(timezone)
      .formatToParts(new Date(t))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wallClock = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return wallClock - Math.floor(t / 1000) * 1000;
}

function localDateAt(timezone: string, t: number): CalendarDate {
  return new Date(t + offsetAt(timezone, t)).toISOString().slice(0, 10);
}

/**
 * The UTC instant at which `date` begins in `timezone`. Usually local midnight; where a DST jump
 * skips midnight, the first instant that exists on that date.
 */
export function startOfLocalDay(date: CalendarDate, timezone: string): Date {
  const midnightAsUtc = Date.parse(`${date}T00:00:00Z`);
  let t = midnightAsUtc - offsetAt(timezone, midnightAsUtc);
  t = midnightAsUtc - offsetAt(timezone, t);
  if (localDateAt(timezone, t) !== date) {
    // Midnight does not exist that day: walk forward in 15-minute steps (offsets are multiples).
    while (localDateAt(timezone, t) < date) t += 15 * 60_000;
  }
  return new Date(t);
}

export function localDays(since: CalendarDate, until: CalendarDate, timezone: string): LocalDay[] {
  const starts = [...eachDate(since, until), addDays(until, 1)].map((d) =>
    startOfLocalDay(d, timezone),
  );
  return starts.slice(0, -1).map((startsAt, i) => {
    const endsAt = starts[i + 1]!;
    return {
      date: addDays(since, i),
      startsAt,
      endsAt,
      hours: (endsAt.getTime() - startsAt.getTime()) / 3_600_000,
    };
  });
}

/** The same number of days immediately before `since`. */
export function previousPeriod(
  since: CalendarDate,
  until: CalendarDate,
): { since: CalendarDate; until: CalendarDate } {
  const days = daysInclusive(since, until);
  return { since: addDays(since, -days), until: addDays(since, -1) };
}

/** "+05:30"-style label of the zone's offset at an instant. */
export function offsetLabel(timezone: string, at: Date): string {
  const minutes = Math.round(offsetAt(timezone, at.getTime()) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** From `startsAt` on (until the next segment), the zone is `offsetMinutes` ahead of UTC. */
export interface OffsetSegment {
  startsAt: Date;
  offsetMinutes: number;
}

const SAMPLE_MS = 6 * 3_600_000;

/**
 * The zone's UTC offsets over [from, to) as constant segments, so a store can turn a UTC hour into
 * its local date with one addition instead of a per-row time-zone lookup. Samples every 6 hours
 * and pins each change to the minute; zones change offset at most a few times a year.
 */
export function offsetSegments(from: Date, to: Date, timezone: string): OffsetSegment[] {
  const minutesAt = (t: number) => Math.round(offsetAt(timezone, t) / 60_000);
  const segments: OffsetSegment[] = [{ startsAt: from, offsetMinutes: minutesAt(from.getTime()) }];
  let previous = from.getTime();
  for (let t = previous + SAMPLE_MS; previous < to.getTime(); t += SAMPLE_MS) {
    const sample = Math.min(t, to.getTime() - 1);
    const current = segments[segments.length - 1]!.offsetMinutes;
    if (minutesAt(sample) !== current) {
      let lo = previous;
      let hi = sample;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (minutesAt(mid) === current) lo = mid;
        else hi = mid;
      }
      const changeAt = Math.floor(hi / 60_000) * 60_000;
      segments.push({ startsAt: new Date(changeAt), offsetMinutes: minutesAt(changeAt) });
    }
    previous = sample + 1;
  }
  return segments;
}
