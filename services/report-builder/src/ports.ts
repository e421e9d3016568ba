import type {
  CalendarDate,
  Dimension,
  Platform,
  PlatformFreshness,
  RenderReportMessage,
} from '@wevion/shared';
import type { FxRate, InsightGroup, RankingWeight, RowGroup } from './domain/insight-group.ts';
import type { LocalDay } from './domain/local-days.ts';

/** One stored hourly row (docs/architecture.md, "How the numbers are made"). Money is a decimal string. */
export interface HourlyInsight {
  workspace_id: string;
  platform: Platform;
  account_id: string;
  campaign_id: string;
  campaign_name: string;
  /** Hour start, UTC. */
  ts: Date;
  currency: string;
  spend: string;
  impressions: number;
  clicks: number;
  conversions: string;
  conversion_value: string;
}

/**
 * Which campaign detail an aggregate returns besides the per-day totals: none (previous period)
 * or only the campaigns that rank highest by spend converted with `weights` (top campaigns), so
 * millions of rows never cross into JavaScript.
 */
export type CampaignDetail =
  { kind: 'none' } | { kind: 'top'; limit: number; weights: readonly RankingWeight[] };

export interface AggregateRequest {
  workspaceId: string;
  platforms: readonly Platform[];
  /** IANA zone the days are in (stores that group by zone natively use it). */
  timezone: string;
  /** Contiguous local days; each hourly row counts on the day its `ts` falls in. */
  days: readonly LocalDay[];
  campaigns: CampaignDetail;
}

export interface AggregateResult {
  /** Sums per local date, platform and currency (`campaign_id` null). */
  groups: InsightGroup[];
  /** Sums per local date, platform, campaign and currency for the campaigns asked for. */
  campaignGroups: InsightGroup[];
}

/** The groups of a CSV export, streamed in file order. */
export interface ExportGroupsRequest {
  workspaceId: string;
  /** In the request's order, which is also the sort order of the platform dimension. */
  platforms: readonly Platform[];
  timezone: string;
  days: readonly LocalDay[];
  /** Row key dimensions, in sort order. */
  dimensions: readonly Dimension[];
  /**
   * Each local date's row period (`periodStart`: always one of the days); only read when `date`
   * is a dimension.
   */
  periodOf: ReadonlyMap<CalendarDate, CalendarDate | null>;
}

/** The analytics data report-builder reads: embedded DuckDB locally, MongoDB in production. */
export interface InsightsStore {
  /** The pushed-down aggregate: hourly rows summed per local date, platform, campaign, currency. */
  aggregate(request: AggregateRequest): Promise<AggregateResult>;
  /**
   * Hourly rows summed per row key, local date and currency, sorted by the key in dimension
   * order (platforms in request order, ids ascending), then date: consecutive groups with one
   * key make one row of the file. Streamed in batches (a chunk or cursor batch each): the store
   * never returns the whole result at once, nor pays an async step per group.
   */
  exportGroups(request: ExportGroupsRequest): AsyncIterable<RowGroup[]>;
  /** The newest hourly row per platform, whatever the period. */
  freshness(workspaceId: string, platforms: readonly Platform[]): Promise<PlatformFreshness[]>;
  /** Rates in [from, until] plus, per currency, the latest one before `from` (for fallbacks). */
  fxRates(
    currencies: readonly string[],
    from: CalendarDate,
    until: CalendarDate,
  ): Promise<FxRate[]>;
  /** Currencies with at least one rate, EUR included: what a report can convert into. */
  fxCurrencies(): Promise<string[]>;
  /** Where the rates came from ("ECB reference rates", "demo (generated)"). */
  fxSource(): Promise<string>;
  insertHourly(rows: readonly HourlyInsight[]): Promise<void>;
  /** Replaces the whole rate table (a seed or a full ECB history) and records its source. */
  replaceFxRates(rates: readonly FxRate[], source: string): Promise<void>;
  close(): Promise<void>;
}

/** Hands a built dataset to the renderer (RENDER_REPORT). */
export interface RenderQueue {
  enqueue(message: RenderReportMessage): Promise<void>;
}

/** Where claim checks are kept for the renderer; the text comes from the shared codec. */
export interface ClaimCheckWriter {
  /** Streams UTF-8 NDJSON chunks into one claim check; rejects and keeps nothing on error. */
  writeStream(key: string, chunks: AsyncIterable<Buffer>, signal: AbortSignal): Promise<void>;
  /** Stores one document (a PDF's dataset). */
  write(key: string, text: string, signal: AbortSignal): Promise<void>;
}
