import type { CalendarDate } from './calendar-date.ts';
import type { CsvLayout } from './api-contract.ts';
import { DIMENSION_COLUMNS } from './csv-layout.ts';
import type { Platform } from './platforms.ts';
import type { ReportQuery } from './report-query.ts';
import type { CurrencyNote, PlatformFreshness } from './report-dataset.ts';

/**
 * The claim check of a CSV export: gzip NDJSON that report-builder streams to S3 and the renderer
 * streams into the CSV, so no process ever holds the whole result. Line 1 is the header, then one
 * line per row in file order (a JSON array of the header's `fields`, so 180,000 rows do not repeat
 * their keys 180,000 times), then the trailer; a file without its trailer was cut short.
 * Bump the version on any change a renderer of the previous one could misread.
 */
export const EXPORT_ROWS_SCHEMA_VERSION = 1;

export interface ExportRowsHeader {
  type: 'header';
  schema_version: typeof EXPORT_ROWS_SCHEMA_VERSION;
  generated_at: string;
  query: ReportQuery;
  layout: CsvLayout;
  currency: { code: string; minor_units: number };
  period: { since: CalendarDate; until: CalendarDate; timezone: string };
  /** What each row line holds, in order (`exportRowFields` of the layout). */
  fields: ExportRowField[];
  /** Where the exchange rates come from, and each platform's latest data (a workbook's About sheet). */
  fx_source?: string;
  freshness?: PlatformFreshness[];
}

/**
 * One row. Dimension fields are present when the layout has the dimension. Money is an exact
 * decimal string in the currency's minor units, rounded by the running-total rule so a column
 * adds up to the report total; ratios come from the exact sums, `null` on a zero denominator.
 */
export interface ExportRow {
  /** First local date of the row's day, week or month (within the period); `null` for `total`. */
  date?: CalendarDate | null;
  platform?: Platform;
  account_id?: string;
  account_currency?: string;
  campaign_id?: string;
  campaign_name?: string;
  spend: string;
  impressions: number;
  clicks: number;
  conversions: number;
  conversion_value: string;
  ctr: number | null;
  cpc: number | null;
  cpm: number | null;
  roas: number | null;
  cpa: number | null;
}

export type ExportRowField = keyof ExportRow;

/** A row line's fields: the layout's dimension columns, then its metrics, in the layout's order. */
export function exportRowFields(layout: CsvLayout): ExportRowField[] {
  return [
    ...layout.dimensions.flatMap((d) => DIMENSION_COLUMNS[d] as readonly ExportRowField[]),
    ...layout.metrics,
  ];
}

export interface ExportRowsTrailer {
  type: 'end';
  rows: number;
  /** Column sums of the money metrics: the report totals the summary and the PDF show. */
  totals: { spend: string; conversion_value: string };
  /** The rates each account currency was converted at, known once every row is written. */
  fx_notes?: CurrencyNote[];
}
