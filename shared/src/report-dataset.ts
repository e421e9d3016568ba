import type { CalendarDate } from './calendar-date.ts';
import type { Platform } from './platforms.ts';
import type { ReportQuery } from './report-query.ts';

/**
 * The claim-check document report-builder writes to S3 and renderer reads for a PDF, and the
 * on-screen summary: everything the report shows, already converted and rounded to the target
 * currency. Bump `schema_version` on any change a renderer of the previous version could misread.
 */
export const REPORT_DATASET_SCHEMA_VERSION = 2;

/** `fx.source` of the demo store's generated rates: a report says they are not real figures. */
export const DEMO_FX_SOURCE = 'demo rates (generated, not real ECB figures)';

export const METRIC_NAMES = [
  'spend',
  'impressions',
  'clicks',
  'ctr',
  'cpc',
  'cpm',
  'conversions',
  'conversion_value',
  'roas',
  'cpa',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** The spec's nine, in the spec's order: the KPI strip and the default CSV's columns. */
export const SPEC_METRICS: readonly MetricName[] = METRIC_NAMES.filter(
  (m) => m !== 'conversion_value',
);

/**
 * Money (spend, conversion_value) is in the target currency, rounded half-even to its minor
 * units once, from exact sums. Ratios are `null` when their denominator is 0.
 */
export interface Metrics {
  spend: number;
  impressions: number;
  clicks: number;
  conversions: number;
  conversion_value: number;
  /** clicks / impressions */
  ctr: number | null;
  /** spend / clicks */
  cpc: number | null;
  /** 1000 · spend / impressions */
  cpm: number | null;
  /** conversion_value / spend */
  roas: number | null;
  /** spend / conversions */
  cpa: number | null;
}

export interface CampaignTotal extends Metrics {
  platform: Platform;
  campaign_id: string;
  campaign_name: string;
}

export interface PlatformTotal extends Metrics {
  platform: Platform;
  /** This platform's part of total spend, 0..1; `null` when total spend is 0. */
  spend_share: number | null;
}

export interface TrendPoint extends Metrics {
  date: CalendarDate;
}

export interface MetricDelta {
  current: number | null;
  previous: number | null;
  /** current − previous, `null` if either side is `null`. */
  change: number | null;
  /** change / |previous|, `null` when previous is 0 or `null`. */
  change_ratio: number | null;
}

export interface PreviousPeriodComparison {
  since: CalendarDate;
  until: CalendarDate;
  totals: Metrics;
  deltas: Record<MetricName, MetricDelta>;
  /**
   * Each requested platform against its own previous period, so a report can say which channel
   * moved. Absent in datasets written before it existed.
   */
  platforms?: { platform: Platform; deltas: Record<MetricName, MetricDelta> }[];
}

/** One platform's day-by-day figures, footed like the total trend. */
export interface PlatformTrend {
  platform: Platform;
  points: TrendPoint[];
}

export interface FxFallback {
  currency: string;
  /** The local date that had no published rate. */
  date: CalendarDate;
  /** The latest earlier date whose rate was used instead. */
  rate_date: CalendarDate;
}

/** How one source currency was converted: `1 <currency> = rate <target>` over the period. */
export interface CurrencyNote {
  currency: string;
  identity: boolean;
  rate_min: number;
  rate_max: number;
  rate_avg: number;
  /** Days (local dates) on which amounts in this currency were converted. */
  days_converted: number;
  fallbacks: FxFallback[];
}

export interface PlatformFreshness {
  platform: Platform;
  /** Start (UTC) of the newest hourly row stored for the platform, or `null` if it has none. */
  latest_ts: string | null;
}

export interface DatasetWarning {
  code: string;
  message: string;
}

export interface ReportDataset {
  schema_version: typeof REPORT_DATASET_SCHEMA_VERSION;
  generated_at: string;
  query: ReportQuery;
  currency: { code: string; minor_units: number };
  period: { since: CalendarDate; until: CalendarDate; days: number; timezone: string };
  totals: Metrics;
  platforms: PlatformTotal[];
  channel_mix: { platform: Platform; spend: number; share: number | null }[];
  trend: TrendPoint[];
  /**
   * The trend per platform, in the order of `platforms`. Optional: datasets written before it
   * existed (still in flight during a deploy) lack it, and a report then leaves the section out.
   */
  platform_trend?: PlatformTrend[];
  top_campaigns: CampaignTotal[];
  previous: PreviousPeriodComparison | null;
  fx: { source: string; notes: CurrencyNote[] };
  timezone_note: string;
  freshness: PlatformFreshness[];
  warnings: DatasetWarning[];
  rows_scanned: number;
}
