import type { CalendarDate } from '@wevion/shared';
import type { LocalDay } from './local-days.ts';

/**
 * A date-first export's days cut into consecutive parts of whole row periods, each at least
 * `partDays` days long (the last may be shorter): the parts' rows, one after the other, are the
 * file's rows in order, and no row's period is split between two parts. A report whose days
 * all fall in one period (`total`) is one part. With `leadAlone`, the first period is a part
 * of its own however short (it names the campaigns the later parts join).
 */
export function exportParts(
  days: readonly LocalDay[],
  periodOf: ReadonlyMap<CalendarDate, CalendarDate | null>,
  partDays: number,
  { leadAlone = false } = {},
): LocalDay[][] {
  const parts: LocalDay[][] = [];
  let part: LocalDay[] = [];
  let period: CalendarDate | null | undefined;
  for (const day of days) {
    const next = periodOf.get(day.date) ?? null;
    const full = part.length >= partDays || (leadAlone && parts.length === 0);
    if (next !== period && part.length > 0 && full) {
      parts.push(part);
      part = [];
    }
    period = next;
    part.push(day);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** `items` in order, cut into at most `count` consecutive runs whose lengths differ by one at most. */
export function evenChunks<T>(items: readonly T[], count: number): T[][] {
  const runs = Math.max(1, Math.min(count, items.length));
  const chunks: T[][] = [];
  for (let k = 0; k < runs; k++) {
    chunks.push(
      items.slice(
        Math.floor((k * items.length) / runs),
        Math.floor(((k + 1) * items.length) / runs),
      ),
    );
  }
  return chunks.filter((chunk) => chunk.length > 0);
}
