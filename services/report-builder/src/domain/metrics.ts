import type { Metrics } from '@wevion/shared';
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

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Counts and the ratios, derived from the exact sums; `null` on a zero denominator. */
export function unroundedMetrics(sums: Sums): Omit<Metrics, 'spend' | 'conversion_value'> {
  const spend = exactToNumber(sums.spend);
  const impressions = Number(sums.impressions);
  const clicks = Number(sums.clicks);
  const conversions = microsToNumber(sums.conversions);
  return {
    impressions,
    clicks,
    conversions,
    ctr: ratio(clicks, impressions),
    cpc: ratio(spend, clicks),
    cpm: impressions === 0 ? null : (1000 * spend) / impressions,
    roas: ratio(exactToNumber(sums.conversion_value), spend),
    cpa: ratio(spend, conversions),
  };
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
