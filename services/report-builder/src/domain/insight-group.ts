import type { CalendarDate, Platform } from '@wevion/shared';

/**
 * One row of the insights store's pushed-down aggregate: hourly rows summed per local date,
 * platform, campaign and source currency. Money and conversions are exact integer micros.
 */
export interface InsightGroup {
  date: CalendarDate;
  platform: Platform;
  /** `null` in per-day totals, set in campaign detail. */
  campaign_id: string | null;
  campaign_name: string | null;
  currency: string;
  spend_micros: bigint;
  impressions: bigint;
  clicks: bigint;
  conversions_micros: bigint;
  conversion_value_micros: bigint;
  /** How many hourly rows were summed into this group. */
  row_count: number;
}

/** A daily reference rate, ECB convention: units of `currency` per 1 EUR, as a decimal string. */
export interface FxRate {
  date: CalendarDate;
  currency: string;
  rate: string;
}

/** Multiply a `currency` amount on local `date` by `weight` to rank it in the target currency. */
export interface RankingWeight {
  currency: string;
  date: CalendarDate;
  weight: number;
}

/**
 * One group of a CSV export's stream: hourly rows summed per row key (the layout's dimensions),
 * local date (whose FX rate converts it) and currency. Fields of dimensions the layout lacks are
 * `null`; a campaign is named as on its latest hour in the group.
 */
export interface RowGroup extends Omit<InsightGroup, 'platform' | 'row_count'> {
  /** First date of the row's period (`periodStart`); `null` without a date column or for one period. */
  period: CalendarDate | null;
  platform: Platform | null;
  account_id: string | null;
}
