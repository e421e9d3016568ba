import { AppError, FX_BASE_CURRENCY, type CalendarDate } from '@wevion/shared';
import { parseDecimal, RATE_DIGITS } from './exact-money.ts';
import type { FxRate } from './insight-group.ts';

export interface AppliedRate {
  /** Units per 1 EUR, scaled by 10^RATE_DIGITS. */
  rate: bigint;
  /** The date whose published rate this is; earlier than the asked date on a fallback. */
  rateDate: CalendarDate;
}

const BASE_RATE = 10n ** BigInt(RATE_DIGITS);

/**
 * Daily reference rates with the ECB fallback rule: a date without a published rate (weekends,
 * TARGET holidays, gaps) uses the latest earlier one.
 */
export class FxTable {
  private readonly byCurrency = new Map<string, { dates: CalendarDate[]; rates: bigint[] }>();
  private readonly memo = new Map<string, AppliedRate>();

  constructor(rates: readonly FxRate[]) {
    const sorted = [...rates].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (const { currency, date, rate } of sorted) {
      let series = this.byCurrency.get(currency);
      if (!series) this.byCurrency.set(currency, (series = { dates: [], rates: [] }));
      const scaled = parseDecimal(rate, RATE_DIGITS);
      if (scaled <= 0n) throw new RangeError(`FX rate for ${currency} on ${date} is not positive`);
      series.dates.push(date);
      series.rates.push(scaled);
    }
  }

  rateOn(currency: string, date: CalendarDate): AppliedRate {
    if (currency === FX_BASE_CURRENCY) return { rate: BASE_RATE, rateDate: date };
    const key = `${currency}|${date}`;
    let applied = this.memo.get(key);
    if (!applied) {
      applied = this.lookup(currency, date);
      this.memo.set(key, applied);
    }
    return applied;
  }

  private lookup(currency: string, date: CalendarDate): AppliedRate {
    const series = this.byCurrency.get(currency);
    // Binary search for the last published date on or before `date`.
    let lo = 0;
    let hi = series ? series.dates.length - 1 : -1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (series!.dates[mid]! <= date) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) {
      throw new AppError(
        'fx_rate_missing',
        `No ${currency} exchange rate is known on or before ${date}; import reference rates first.`,
        { status: 422 },
      );
    }
    return { rate: series!.rates[found]!, rateDate: series!.dates[found]! };
  }
}
