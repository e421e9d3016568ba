import type { CalendarDate } from '@wevion/shared';
import type { LocalDay } from './local-days.ts';

/**
 * A date-first export's days cut into consecutive parts of whole row periods, each at least
 * `partDays` days long (the last may be shorter): the parts' rows, one after the other, are the
 * file's rows in order, and no row's period is split between two parts. A report whose days
 * all fall in one period (`total`) is one part.
 */
export function exportParts(
  days: readonly LocalDay[],
  periodOf: ReadonlyMap<CalendarDate, CalendarDate | null>,
  partDays: number,
): LocalDay[][] {
  const parts: LocalDay[][] = [];
  let part: LocalDay[] = [];
  let period: CalendarDate | null | undefined;
  for (const day of days) {
    const next = periodOf.get(day.date) ?? null;
    if (next !== period && part.length >= partDays) {
      parts.push(part);
      part = [];
    }
    period = next;
    part.push(day);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}
