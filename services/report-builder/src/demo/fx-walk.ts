import { addDays, eachDate, type CalendarDate } from '@wevion/shared';
import type { FxRate } from '../domain/insight-group.ts';
import { seededRandom } from './random.ts';

/** Demo reference rates: a random walk around realistic 2026 levels, units per 1 EUR. */
const START_RATES: Readonly<Record<string, { rate: number; decimals: number }>> = {
  USD: { rate: 1.085, decimals: 4 },
  GBP: { rate: 0.852, decimals: 5 },
  JPY: { rate: 162.4, decimals: 2 },
  CAD: { rate: 1.472, decimals: 4 },
  AUD: { rate: 1.648, decimals: 4 },
  CHF: { rate: 0.948, decimals: 4 },
  SEK: { rate: 11.42, decimals: 4 },
  BRL: { rate: 5.91, decimals: 4 },
  INR: { rate: 90.45, decimals: 4 },
};

/** ECB publishes nothing at weekends and on TARGET2 holidays; the demo has the same gaps. */
function isPublicationDay(date: CalendarDate): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const monthDay = date.slice(5);
  return weekday !== 0 && weekday !== 6 && !['01-01', '05-01', '12-25', '12-26'].includes(monthDay);
}

export function demoFxRates(seed: number, since: CalendarDate, until: CalendarDate): FxRate[] {
  const random = seededRandom(seed ^ 0x5eed_f00d);
  const rates: FxRate[] = [];
  const level = new Map(Object.entries(START_RATES).map(([c, { rate }]) => [c, rate]));
  // Start a week early so the first days of the range have an earlier rate to fall back on.
  for (const date of eachDate(addDays(since, -7), until)) {
    for (const [currency, { decimals }] of Object.entries(START_RATES)) {
      const next = level.get(currency)! * (1 + (random() - 0.5) * 0.008);
      level.set(currency, next);
      if (isPublicationDay(date)) rates.push({ date, currency, rate: next.toFixed(decimals) });
    }
  }
  return rates;
}
