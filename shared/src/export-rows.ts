import type { CalendarDate } from './calendar-date.ts';
import type { CsvLayout } from './api-contract.ts';
import { DIMENSION_COLUMNS } from './csv-layout.ts';
import type { Platform } from './platforms.ts';
import type { ReportQuery } from './report-query.ts';
import type { CurrencyNote, PlatformFreshness } from './report-dataset.ts';
import { isRatio, ratioOf, RATIOS, type RatioInputs, type RatioName } from './ratios.ts';

/**
 * The claim check of a CSV export: gzip NDJSON that report-builder streams to S3 and the renderer
 * streams into the CSV, so no process ever holds the whole result. Line 1 is the header, then one
 * line per row in file order (a JSON array of the header's `fields`, so 180,000 rows do not repeat
 * their keys 180,000 times), then the trailer; a file without its trailer was cut short.
 * Version 2: a line carries the sums a row's ratios divide, not the ratios (`ClaimCheckRow`).
 * Version 3: a campaign's id and name are written once, on a `CampaignLine` before the first row
 * of it, and rows refer to it by number: a 90-day export names each campaign on 90 days.
 * Bump the version on any change a renderer of the previous one could misread.
 */
export const EXPORT_ROWS_SCHEMA_VERSION = 3;

/**
 * What a renderer reads: this version and the ones before (version 1 lines carried the ratios
 * themselves, version 2 lines the campaigns' ids and names), so a renderer deployed first reads
 * what a previous report-builder still writes.
 */
export const READABLE_EXPORT_ROWS_VERSIONS = [1, 2, EXPORT_ROWS_SCHEMA_VERSION] as const;

export interface ExportRowsHeader {
  type: 'header';
  schema_version: (typeof READABLE_EXPORT_ROWS_VERSIONS)[number];
  generated_at: string;
  query: ReportQuery;
  layout: CsvLayout;
  currency: { code: string; minor_units: number };
  period: { since: CalendarDate; until: CalendarDate; timezone: string };
  /** What each row line holds, in order (`claimCheckFields` of the layout). */
  fields: ClaimCheckField[];
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

/** A decoded row's fields: the layout's dimension columns, then its metrics, in the layout's order. */
export function exportRowFields(layout: CsvLayout): ExportRowField[] {
  return [
    ...layout.dimensions.flatMap((d) => DIMENSION_COLUMNS[d] as readonly ExportRowField[]),
    ...layout.metrics,
  ];
}

/** A row's campaign: on a version 3 line both are one number, `campaign`. */
type CampaignField = 'campaign_id' | 'campaign_name';
const isCampaignField = (field: string): field is CampaignField =>
  field === 'campaign_id' || field === 'campaign_name';

/**
 * One row as report-builder writes it: no ratios, but the sums they divide, money unrounded.
 * Printing and parsing the five ratios was a third of each line and the dearest part of it;
 * the reader derives them by the one arithmetic of `ratios.ts`, bit for bit what report-builder
 * would have computed (a double survives JSON unchanged). A campaign is a number, `ref` of the
 * `CampaignLine` that named it.
 */
export interface ClaimCheckRow extends Omit<ExportRow, RatioName | CampaignField> {
  /** The row's exact spend as a double, before rounding: the ratios' spend. */
  spend_unrounded: number;
  /** The row's exact conversion value as a double, before rounding: ROAS's numerator. */
  conversion_value_unrounded: number;
  /** The row's campaign id and name, as a `CampaignLine` before it numbered them. */
  campaign?: number;
}

/**
 * A campaign id and name, written once before the first row of them. A campaign renamed within
 * the range is a second pair with its own number. Numbers count up from 0 in the order written.
 */
export interface CampaignLine {
  type: 'campaign';
  ref: number;
  id: string;
  name: string;
}

/** A field of a line: what `ClaimCheckRow` holds, or (before version 3) the campaign itself. */
export type ClaimCheckField = keyof ClaimCheckRow | CampaignField;

/** Where a line carries each ratio input: money unrounded, counts as the row shows them. */
const RATIO_INPUT_FIELDS: Readonly<Record<keyof RatioInputs, ClaimCheckField>> = {
  spend: 'spend_unrounded',
  conversion_value: 'conversion_value_unrounded',
  impressions: 'impressions',
  clicks: 'clicks',
  conversions: 'conversions',
};

/**
 * A line's fields: the row's fields without its ratios, then each input of the layout's ratios
 * that is not there yet. A layout showing CPC alone still carries spend and clicks.
 */
export function claimCheckFields(layout: CsvLayout): ClaimCheckField[] {
  const shown = exportRowFields(layout)
    .filter((f) => !isRatio(f))
    .map((f) => (isCampaignField(f) ? 'campaign' : f));
  const inputs = layout.metrics
    .filter(isRatio)
    .flatMap((r) => [RATIOS[r].numerator, RATIOS[r].denominator])
    .map((input) => RATIO_INPUT_FIELDS[input]);
  return [...new Set<ClaimCheckField>([...shown, ...inputs])];
}

/** Where each named field sits in `fields`; a field that is not there is a claim check this code cannot read. */
export function fieldIndex(fields: readonly string[]): (field: string) => number {
  return (field) => {
    const index = fields.indexOf(field);
    if (index < 0) throw new Error(`the claim check has no ${field} field`);
    return index;
  };
}

/** A campaign as a claim check named it (version 3). */
export type NamedCampaign = Pick<CampaignLine, 'id' | 'name'>;

/**
 * How a line becomes a decoded row (`exportRowFields` of the header's layout): each field the
 * line has copied from its place (a version 1 line has the ratios too), a campaign's id and name
 * looked up by its number in `campaigns`, each ratio the line lacks divided from its inputs'.
 * Throws when the line lacks a field it needs.
 */
export function rowFromLine(
  header: Pick<ExportRowsHeader, 'layout' | 'fields'>,
  /** The campaigns named so far, by number. */
  campaigns: readonly NamedCampaign[],
) {
  const at = fieldIndex(header.fields);
  const onLine = new Set<string>(header.fields);
  const steps = exportRowFields(header.layout).map((field) => {
    if (isCampaignField(field) && !onLine.has(field))
      return { ratio: null, from: at('campaign'), by: -1, named: field };
    if (!isRatio(field) || onLine.has(field))
      return { ratio: null, from: at(field), by: -1, named: null };
    const ratio = RATIOS[field];
    return {
      ratio,
      from: at(RATIO_INPUT_FIELDS[ratio.numerator]),
      by: at(RATIO_INPUT_FIELDS[ratio.denominator]),
      named: null,
    };
  });
  return (line: readonly unknown[]): unknown[] => {
    const row = new Array<unknown>(steps.length);
    for (let i = 0; i < steps.length; i++) {
      const { ratio, from, by, named } = steps[i]!;
      if (ratio) row[i] = ratioOf(ratio, line[from] as number, line[by] as number);
      else if (named) {
        const campaign = campaigns[line[from] as number];
        if (!campaign)
          throw new Error(`a row refers to campaign ${String(line[from])}, not named before it`);
        row[i] = named === 'campaign_id' ? campaign.id : campaign.name;
      } else row[i] = line[from];
    }
    return row;
  };
}

export interface ExportRowsTrailer {
  type: 'end';
  rows: number;
  /** Column sums of the money metrics: the report totals the summary and the PDF show. */
  totals: { spend: string; conversion_value: string };
  /** The rates each account currency was converted at, known once every row is written. */
  fx_notes?: CurrencyNote[];
}
