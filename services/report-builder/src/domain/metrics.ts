import type { Metrics } from '@wevion/shared';
import { attoToNumber, microsToNumber, roundAtto } from './exact-money.ts';

/** Exact running sums in the target currency: money in atto-units, conversions in micros. */
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

/** Rounds money once and derives the ratios from the exact sums, `null` on a zero denominator. */
export function toMetrics(sums: Sums, minorUnits: number): Metrics {
  const spend = attoToNumber(sums.spend);
  const impressions = Number(sums.impressions);
  const clicks = Number(sums.clicks);
  const conversions = microsToNumber(sums.conversions);
  const conversionValue = attoToNumber(sums.conversion_value);
  return {
    spend: roundAtto(sums.spend, minorUnits),
    impressions,
    clicks,
    conversions,
    conversion_value: roundAtto(sums.conversion_value, minorUnits),
    ctr: ratio(clicks, impressions),
    cpc: ratio(spend, clicks),
    cpm: impressions === 0 ? null : (1000 * spend) / impressions,
    roas: ratio(conversionValue, spend),
    cpa: ratio(spend, conversions),
  };
}
