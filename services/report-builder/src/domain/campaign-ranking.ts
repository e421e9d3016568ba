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

/** A campaign's spend in one currency over a report's days, its positive and negative hours apart. */
export interface CampaignSpend {
  platform: string;
  campaign_id: string;
  currency: string;
  positive: number;
  negative: number;
}

/**
 * The campaigns (platform, id) that can be among the `limit` with the most weighted spend, from
 * each campaign's spend over the whole period: whatever its days, its weighted spend lies between
 * its spend weighted at its currency's lowest and at its highest daily weight (0 for a date
 * without one, as `topCampaignDetail` counts it). Every campaign whose highest possible weighted
 * spend reaches the `limit`-th highest lowest possible one is kept, so ranking their daily detail
 * finds the same campaigns as ranking every campaign's, while only a few campaigns' days are read.
 */
export function rankingCandidates(
  spends: readonly CampaignSpend[],
  weights: readonly RankingWeight[],
  dates: readonly CalendarDate[],
  limit: number,
): { platform: string; campaign_id: string }[] {
  if (limit <= 0) return [];
  const inPeriod = new Set(dates);
  const range = new Map<string, { low: number; high: number; days: number }>();
  for (const { currency, date, weight } of weights) {
    if (!inPeriod.has(date)) continue;
    const r = range.get(currency) ?? { low: weight, high: weight, days: 0 };
    range.set(currency, {
      low: Math.min(r.low, weight),
      high: Math.max(r.high, weight),
      days: r.days + 1,
    });
  }
  const campaigns = new Map<
    string,
    { platform: string; campaign_id: string; least: number; most: number }
  >();
  for (const spend of spends) {
    const r = range.get(spend.currency);
    const low = r !== undefined && r.days === inPeriod.size ? r.low : Math.min(0, r?.low ?? 0);
    const high = r?.high ?? 0;
    const key = `${spend.platform}|${spend.campaign_id}`;
    const campaign = campaigns.get(key) ?? {
      platform: spend.platform,
      campaign_id: spend.campaign_id,
      least: 0,
      most: 0,
    };
    campaign.least += spend.positive * low + spend.negative * high;
    campaign.most += spend.positive * high + spend.negative * low;
    campaigns.set(key, campaign);
  }
  const all = [...campaigns.values()];
  if (all.length <= limit)
    return all.map(({ platform, campaign_id }) => ({ platform, campaign_id }));
  // Widened by far more than a sum of doubles can round, so a campaign on the cut-off stays.
  const SLACK = 1e-9;
  const cutoff = all.map((c) => c.least - Math.abs(c.least) * SLACK).sort((a, b) => b - a)[
    limit - 1
  ]!;
  return all
    .filter((c) => c.most + Math.abs(c.most) * SLACK >= cutoff)
    .map(({ platform, campaign_id }) => ({ platform, campaign_id }));
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
