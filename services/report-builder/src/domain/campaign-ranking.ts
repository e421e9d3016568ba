import type { CalendarDate } from '@wevion/shared';
import type { FxTable } from './fx-table.ts';
import type { InsightGroup, RankingWeight } from './insight-group.ts';

/**
 * How many campaigns beyond top N a store returns in exact detail: ranking uses double-precision
 * weights, so a campaign a hair below the cut-off can still belong in the exact top N.
 */
export const RANKING_MARGIN = 10;

/**
 * Target-currency weights (target units per source unit) for every currency and date that has a
 * rate. A currency without one gets no weight; the exact conversion reports it as missing.
 */
export function rankingWeights(
  fx: FxTable,
  currencies: readonly string[],
  dates: readonly CalendarDate[],
  target: string,
): RankingWeight[] {
  const weights: RankingWeight[] = [];
  for (const date of dates) {
    let targetRate: bigint;
    try {
      targetRate = fx.rateOn(target, date).rate;
    } catch {
      return [];
    }
    for (const currency of currencies) {
      try {
        weights.push({
          currency,
          date,
          weight: Number(targetRate) / Number(fx.rateOn(currency, date).rate),
        });
      } catch {
        // No rate for this currency yet: it cannot be ranked, and conversion will say why.
      }
    }
  }
  return weights;
}

/** Per-day totals from campaign detail (for stores that cannot roll up themselves). */
export function rollUpByDay(detail: readonly InsightGroup[]): InsightGroup[] {
  const byKey = new Map<string, InsightGroup>();
  for (const g of detail) {
    const key = `${g.date}|${g.platform}|${g.currency}`;
    const sum = byKey.get(key);
    if (!sum) {
      byKey.set(key, { ...g, campaign_id: null, campaign_name: null });
      continue;
    }
    sum.spend_micros += g.spend_micros;
    sum.impressions += g.impressions;
    sum.clicks += g.clicks;
    sum.conversions_micros += g.conversions_micros;
    sum.conversion_value_micros += g.conversion_value_micros;
    sum.row_count += g.row_count;
  }
  return [...byKey.values()];
}

/** The detail of the `limit` campaigns with the most weighted spend. */
export function topCampaignDetail(
  detail: readonly InsightGroup[],
  weights: readonly RankingWeight[],
  limit: number,
): InsightGroup[] {
  const weightOf = new Map(weights.map((w) => [`${w.currency}|${w.date}`, w.weight]));
  const spend = new Map<string, number>();
  for (const g of detail) {
    const key = `${g.platform}|${g.campaign_id}`;
    const weighted =
      (Number(g.spend_micros) / 1e6) * (weightOf.get(`${g.currency}|${g.date}`) ?? 0);
    spend.set(key, (spend.get(key) ?? 0) + weighted);
  }
  const chosen = new Set(
    [...spend.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key]) => key),
  );
  return detail.filter((g) => chosen.has(`${g.platform}|${g.campaign_id}`));
}
