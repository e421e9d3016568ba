import {
  METRIC_NAMES,
  minorUnits,
  PLATFORM_LABELS,
  REPORT_DATASET_SCHEMA_VERSION,
  todayIn,
  type CalendarDate,
  type CampaignTotal,
  type DatasetWarning,
  type MetricDelta,
  type MetricName,
  type Metrics,
  type Platform,
  type PlatformFreshness,
  type ReportDataset,
  type ReportQuery,
} from '@wevion/shared';
import { CurrencyConverter } from './currency-converter.ts';
import { FxTable } from './fx-table.ts';
import type { FxRate, InsightGroup } from './insight-group.ts';
import { offsetLabel, type LocalDay } from './local-days.ts';
import { addInto, emptySums, footedMetrics, toMetrics, type Sums } from './metrics.ts';

export interface DatasetInputs {
  query: ReportQuery;
  /** Local days of the requested period, in order. */
  days: readonly LocalDay[];
  /** The requested period: per-day totals and the campaign detail the query needs. */
  current: { groups: readonly InsightGroup[]; campaignGroups: readonly InsightGroup[] };
  /** Groups of the previous period (campaigns not needed), when a comparison was asked. */
  previous: { since: CalendarDate; until: CalendarDate; groups: readonly InsightGroup[] } | null;
  fx: { rates: readonly FxRate[]; source: string };
  freshness: readonly PlatformFreshness[];
  now: Date;
}

/** Stale FX fallbacks longer than this are worth a warning (ECB gaps are at most 4 days). */
const FX_FALLBACK_WARN_DAYS = 5;

class SumsByKey<T> {
  readonly entries = new Map<string, { key: T; sums: Sums }>();

  add(id: string, key: T, sums: Sums): void {
    let entry = this.entries.get(id);
    if (!entry) this.entries.set(id, (entry = { key, sums: emptySums() }));
    addInto(entry.sums, sums);
  }

  get(id: string): Sums | undefined {
    return this.entries.get(id)?.sums;
  }
}

function delta(current: number | null, previous: number | null): MetricDelta {
  const change = current === null || previous === null ? null : current - previous;
  return {
    current,
    previous,
    change,
    change_ratio: change === null || !previous ? null : change / Math.abs(previous),
  };
}

function deltas(current: Metrics, previous: Metrics): Record<MetricName, MetricDelta> {
  return Object.fromEntries(
    METRIC_NAMES.map((name) => [name, delta(current[name], previous[name])]),
  ) as Record<MetricName, MetricDelta>;
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * The aggregation engine: turns the store's grouped rows into the dataset every export renders.
 * Pure: everything it needs arrives in `inputs`, including the clock.
 */
export function buildReportDataset(inputs: DatasetInputs): ReportDataset {
  const { query, days } = inputs;
  const minor = minorUnits(query.target_currency);
  const converter = new CurrencyConverter(new FxTable(inputs.fx.rates), query.target_currency);
  const metrics = (sums: Sums): Metrics => toMetrics(sums, minor);

  const byPlatform = new SumsByKey<Platform>();
  const byDate = new SumsByKey<CalendarDate>();
  const byPlatformDate = new SumsByKey<CalendarDate>();
  const byCampaign = new SumsByKey<{ platform: Platform; campaign_id: string }>();
  const latestCampaignName = new Map<string, { date: CalendarDate; name: string }>();
  const totals = emptySums();
  let rowsScanned = 0;

  for (const group of inputs.current.groups) {
    const sums = converter.toTarget(group);
    rowsScanned += group.row_count;
    addInto(totals, sums);
    byPlatform.add(group.platform, group.platform, sums);
    byDate.add(group.date, group.date, sums);
    byPlatformDate.add(`${group.platform}|${group.date}`, group.date, sums);
  }

  for (const group of inputs.current.campaignGroups) {
    const sums = converter.toTarget(group);
    const campaignId = group.campaign_id!;
    const campaignKey = `${group.platform}|${campaignId}`;
    byCampaign.add(campaignKey, { platform: group.platform, campaign_id: campaignId }, sums);
    const known = latestCampaignName.get(campaignKey);
    if (!known || known.date <= group.date) {
      latestCampaignName.set(campaignKey, { date: group.date, name: group.campaign_name ?? '' });
    }
  }

  const platformsWithData = query.platforms.filter((p) => byPlatform.get(p));
  const totalMetrics = metrics(totals);
  const zero = emptySums();

  // The platform table and the trend add up to the totals: footed in display order.
  const platformSums = query.platforms
    .map((platform) => ({ platform, sums: byPlatform.get(platform) ?? zero }))
    .sort((a, b) => (b.sums.spend > a.sums.spend ? 1 : b.sums.spend < a.sums.spend ? -1 : 0));
  const platforms = footedMetrics(
    platformSums.map((p) => p.sums),
    minor,
  ).map((m, i) => ({
    platform: platformSums[i]!.platform,
    ...m,
    spend_share: share(m.spend, totalMetrics.spend),
  }));
  const trend = footedMetrics(
    days.map((day) => byDate.get(day.date) ?? zero),
    minor,
  ).map((m, i) => ({ date: days[i]!.date, ...m }));
  const platformTrend = platforms.map(({ platform }) => ({
    platform,
    points: footedMetrics(
      days.map((day) => byPlatformDate.get(`${platform}|${day.date}`) ?? zero),
      minor,
    ).map((m, i) => ({ date: days[i]!.date, ...m })),
  }));

  const topCampaigns: CampaignTotal[] = [...byCampaign.entries.entries()]
    .map(([id, { key, sums }]) => ({
      ...key,
      campaign_name: latestCampaignName.get(id)!.name,
      ...metrics(sums),
    }))
    .sort((a, b) => b.spend - a.spend || a.campaign_name.localeCompare(b.campaign_name))
    .slice(0, query.top_n);

  let previous: ReportDataset['previous'] = null;
  if (inputs.previous) {
    const previousSums = emptySums();
    const previousByPlatform = new SumsByKey<Platform>();
    for (const group of inputs.previous.groups) {
      const sums = converter.toTarget(group);
      addInto(previousSums, sums);
      previousByPlatform.add(group.platform, group.platform, sums);
      rowsScanned += group.row_count;
    }
    const previousMetrics = metrics(previousSums);
    previous = {
      since: inputs.previous.since,
      until: inputs.previous.until,
      totals: previousMetrics,
      deltas: deltas(totalMetrics, previousMetrics),
      platforms: platforms.map((current) => {
        const before = metrics(previousByPlatform.get(current.platform) ?? zero);
        return { platform: current.platform, deltas: deltas(current, before) };
      }),
    };
  }

  const currencyNotes = converter.currencyNotes();
  return {
    schema_version: REPORT_DATASET_SCHEMA_VERSION,
    generated_at: inputs.now.toISOString(),
    query,
    currency: { code: query.target_currency, minor_units: minor },
    period: { since: query.since, until: query.until, days: days.length, timezone: query.timezone },
    totals: totalMetrics,
    platforms,
    channel_mix: platforms.map(({ platform, spend, spend_share }) => ({
      platform,
      spend,
      share: spend_share,
    })),
    trend,
    platform_trend: platformTrend,
    top_campaigns: topCampaigns,
    previous,
    fx: { source: inputs.fx.source, notes: currencyNotes },
    timezone_note: timezoneNote(query.timezone, days),
    freshness: [...inputs.freshness],
    warnings: warningsFor(inputs, platformsWithData, currencyNotes, previous),
    rows_scanned: rowsScanned,
  };
}

function timezoneNote(timezone: string, days: readonly LocalDay[]): string {
  const offsets = [...new Set(days.map((d) => offsetLabel(timezone, d.startsAt)))];
  const unusual = days
    .filter((d) => d.hours !== 24)
    .map((d) => `${d.date} has ${d.hours} hours (daylight-saving change)`);
  return [
    `Dates are calendar days in ${timezone} (${offsets.join(' / ')}); each hourly row counts on the local date its hour starts.`,
    ...unusual.map((u) => `${u}.`),
  ].join(' ');
}

function warningsFor(
  inputs: DatasetInputs,
  platformsWithData: readonly Platform[],
  currencyNotes: ReturnType<CurrencyConverter['currencyNotes']>,
  previous: ReportDataset['previous'],
): DatasetWarning[] {
  const { query, days, now } = inputs;
  const warnings: DatasetWarning[] = [];
  for (const platform of query.platforms.filter((p) => !platformsWithData.includes(p))) {
    warnings.push({
      code: 'platform_without_data',
      message: `${PLATFORM_LABELS[platform]} has no data between ${query.since} and ${query.until}.`,
    });
  }
  if (query.until >= todayIn(query.timezone, now)) {
    warnings.push({
      code: 'period_incomplete',
      message: `The period ends on ${query.until}, which has not finished in ${query.timezone}; its figures will still change.`,
    });
  }
  const periodEnd = days[days.length - 1]!.endsAt.getTime();
  for (const { platform, latest_ts } of inputs.freshness) {
    if (!platformsWithData.includes(platform) || latest_ts === null) continue;
    const lastHourEnd = Date.parse(latest_ts) + 3_600_000;
    if (lastHourEnd < Math.min(periodEnd, now.getTime()) - 24 * 3_600_000) {
      warnings.push({
        code: 'data_stale',
        message: `${PLATFORM_LABELS[platform]} data ends at ${latest_ts}; later hours are missing from this report.`,
      });
    }
  }
  for (const note of currencyNotes) {
    for (const fallback of note.fallbacks) {
      const gapDays = (Date.parse(fallback.date) - Date.parse(fallback.rate_date)) / 86_400_000;
      if (gapDays >= FX_FALLBACK_WARN_DAYS) {
        warnings.push({
          code: 'fx_rate_stale',
          message: `No ${fallback.currency} rate for ${fallback.date}; used the ${fallback.rate_date} rate, ${gapDays} days older.`,
        });
      }
    }
  }
  if (previous && previous.totals.impressions === 0 && previous.totals.spend === 0) {
    warnings.push({
      code: 'previous_period_without_data',
      message: `There is no data for the previous period (${previous.since} to ${previous.until}) to compare with.`,
    });
  }
  return warnings;
}
