import { ratiosOf, type Metrics, type RatioInputs } from '@wevion/shared';
import { exactToNumber, microsToNumber, roundExact } from './exact-money.ts';
import { RunningTotalRounding } from './running-total.ts';

/** Exact running sums in the target currency: money in exact units, conversions in micros. */
export interface Sums {
  spend: bigint;
  impressions: bigint;
  clicks: bigint;
  conversions: bigint;
  conversion_value: bigint;
}

export function emptySums(): Sums {
  return { spend: 0n, impressions: 0n, clicks: 0n, conversions: 0n, conversion_value: 0n };
}

export function addInto(target: Sums, add: Sums): void {
  target.spend += add.spend;
  target.impressions += add.impressions;
  target.clicks += add.clicks;
  target.conversions += add.conversions;
  target.conversion_value += add.conversion_value;
}

/** The exact sums as the doubles the ratios divide: counts, and money unrounded. */
export function ratioInputs(sums: Sums): RatioInputs {
  return {
    spend: exactToNumber(sums.spend),
    impressions: Number(sums.impressions),
    clicks: Number(sums.clicks),
    conversions: microsToNumber(sums.conversions),
    conversion_value: exactToNumber(sums.conversion_value),
  };
}

/** Counts and the ratios, derived from the exact sums; `null` on a zero denominator. */
export function unroundedMetrics(sums: Sums): Omit<Metrics, 'spend' | 'conversion_value'> {
  const inputs = ratioInputs(sums);
  const { impressions, clicks, conversions } = inputs;
  return { impressions, clicks, conversions, ...ratiosOf(inputs) };
}

/** One figure on its own (a total, a top campaign): money rounded once, half-even. */
export function toMetrics(sums: Sums, minorUnits: number): Metrics {
  return {
    spend: roundExact(sums.spend, minorUnits),
    conversion_value: roundExact(sums.conversion_value, minorUnits),
    ...unroundedMetrics(sums),
  };
}

/**
 * Rows that together make up a total (platforms, days), in display order: money rounded by the
 * running-total rule, so the shown rows add up to the shown total to the minor unit.
 */
export function footedMetrics(rows: readonly Sums[], minorUnits: number): Metrics[] {
  const spend = new RunningTotalRounding(minorUnits);
  const value = new RunningTotalRounding(minorUnits);
  const scale = 10 ** minorUnits;
  return rows.map((sums) => ({
    spend: Number(spend.next(sums.spend)) / scale,
    conversion_value: Number(value.next(sums.conversion_value)) / scale,
    ...unroundedMetrics(sums),
  }));
}
