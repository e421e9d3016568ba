import type { Metrics, PlatformDayRow, ReportDataset } from '@wevion/shared';

/** The spec's cross-channel header, in order. */
export const CSV_COLUMNS = [
  'date',
  'platform',
  'spend',
  'impressions',
  'clicks',
  'ctr',
  'cpc',
  'cpm',
  'conversions',
  'roas',
  'cpa',
] as const;

const FORMULA_TRIGGERS = /^[=+\-@\t\r]/;

/**
 * A text cell: neutralised against spreadsheet formula injection (a leading = + - @ tab or CR
 * gets an apostrophe, as OWASP recommends), then quoted per RFC 4180 when it needs to be.
 * Numbers never pass through here, so a negative number stays a number.
 */
export function textCell(value: string): string {
  const safe = FORMULA_TRIGGERS.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function fixed(value: number | null, decimals: number): string {
  return value === null ? '' : value.toFixed(decimals);
}

/** Up to six decimals without trailing zeros (fractional conversions from attribution models). */
function compact(value: number): string {
  return String(Number(value.toFixed(6)));
}

/** Number columns: money in the currency's minor units, unit costs two places finer. */
function metricCells(m: Metrics, minorUnits: number): string[] {
  return [
    fixed(m.spend, minorUnits),
    String(m.impressions),
    String(m.clicks),
    fixed(m.ctr, 6),
    fixed(m.cpc, minorUnits + 2),
    fixed(m.cpm, minorUnits + 2),
    compact(m.conversions),
    fixed(m.roas, 4),
    fixed(m.cpa, minorUnits + 2),
  ];
}

/**
 * The CSV, line by line (CRLF as RFC 4180 says), so it can be streamed without ever holding the
 * whole file. A `total` report writes its period as an ISO 8601 interval in the date column.
 */
export function* csvLines(dataset: ReportDataset, options: { bom: boolean }): Generator<string> {
  const period = `${dataset.period.since}/${dataset.period.until}`;
  const minor = dataset.currency.minor_units;
  yield `${options.bom ? '\uFEFF' : ''}${CSV_COLUMNS.join(',')}\r\n`;
  for (const row of dataset.rows as PlatformDayRow[]) {
    yield `${[row.date ?? period, textCell(row.platform), ...metricCells(row, minor)].join(',')}\r\n`;
  }
}
