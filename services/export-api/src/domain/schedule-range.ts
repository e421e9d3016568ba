import { MAX_DATE_RANGE_DAYS, type JobWarning, type ScheduleRange } from '@wevion/shared';
import { DateTime } from 'luxon';

export interface ResolvedRange {
  since: string;
  until: string;
  /** Set when the range had more days than the export cap allows, and which were left out. */
  capped: JobWarning | null;
}

const day = (date: DateTime) => date.toISODate()!;

/**
 * The calendar dates a run exports: from the run's own local date (`scheduledFor` in `zone`),
 * never from the clock, so a late run or a retry exports the same days. Every range ends on the
 * last complete day (the day before the run) except `month_to_date`, which ends on the run's day.
 */
export function resolveRange(
  range: ScheduleRange,
  scheduledFor: Date,
  zone: string,
): ResolvedRange {
  const runDay = DateTime.fromJSDate(scheduledFor, { zone }).startOf('day');
  const yesterday = runDay.minus({ days: 1 });
  const last = (days: number) => [yesterday.minus({ days: days - 1 }), yesterday] as const;
  const [since, until] = ((): readonly [DateTime, DateTime] => {
    switch (range) {
      case 'last_7_days':
        return last(7);
      case 'last_14_days':
        return last(14);
      case 'last_30_days':
        return last(30);
      case 'last_90_days':
        return last(90);
      case 'previous_week': {
        const monday = runDay.startOf('week').minus({ weeks: 1 });
        return [monday, monday.plus({ days: 6 })];
      }
      case 'previous_month': {
        const first = runDay.startOf('month').minus({ months: 1 });
        return [first, first.endOf('month').startOf('day')];
      }
      case 'previous_quarter': {
        const first = runDay.startOf('quarter').minus({ quarters: 1 });
        return [first, first.endOf('quarter').startOf('day')];
      }
      case 'month_to_date':
        return [runDay.startOf('month'), runDay];
    }
  })();
  return capToMaximum(since, until);
}

/**
 * A quarter has up to 92 days and the export cap is 90: such a run exports the quarter's last
 * 90 days and says which days it left out, rather than failing every quarter but the first.
 */
function capToMaximum(since: DateTime, until: DateTime): ResolvedRange {
  const days = until.diff(since, 'days').days + 1;
  if (days <= MAX_DATE_RANGE_DAYS) return { since: day(since), until: day(until), capped: null };
  const start = until.minus({ days: MAX_DATE_RANGE_DAYS - 1 });
  return {
    since: day(start),
    until: day(until),
    capped: {
      code: 'range_capped',
      message: `The range has ${days} days and exports are capped at ${MAX_DATE_RANGE_DAYS}: ${day(since)} to ${day(start.minus({ days: 1 }))} are left out.`,
    },
  };
}
