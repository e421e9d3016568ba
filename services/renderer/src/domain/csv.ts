import {
  csvColumns,
  exportRowFields,
  fieldIndex,
  METRIC_NAMES,
  periodEnd,
  type ExportRowsHeader,
  type MetricName,
  type RowValues,
} from '@wevion/shared';

const FORMULA_TRIGGERS = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
/** Either: most cells (ids, names) have neither, and one test of them is half the cost of two. */
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;

/**
 * A text cell: neutralised against spreadsheet formula injection (a leading = + - @ tab or CR
 * gets an apostrophe, as OWASP recommends), then quoted per RFC 4180 when it needs to be.
 * Numbers never pass through here, so a negative number stays a number.
 */
export function textCell(value: string): string {
  if (!NEEDS_CARE.test(value)) return value;
  const safe = FORMULA_TRIGGERS.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A plain decimal with at most six places: what most conversions print as already. */
const SIX_PLACES = /^-?\d+(?:\.\d{1,6})?$/;

/** Up to six decimals without trailing zeros (fractional conversions from attribution models). */
function compact(value: number): string {
  const shortest = String(value);
  return SIX_PLACES.test(shortest) ? shortest : String(Number(value.toFixed(6)));
}

type Format = (value: unknown) => string;

const decimals = (value: unknown, places: number) =>
  value === null ? '' : (value as number).toFixed(places);

/**
 * Number columns: money as the exact decimals report-builder rounded (minor units), unit costs
 * two places finer, rates and ROAS at fixed precision.
 */
function metricFormat(metric: MetricName, minorUnits: number): Format {
  switch (metric) {
    case 'spend':
    case 'conversion_value':
      return (v) => v as string;
    case 'impressions':
    case 'clicks':
      return (v) => String(v);
    case 'conversions':
      return (v) => compact(v as number);
    case 'ctr':
      return (v) => decimals(v, 6);
    case 'roas':
      return (v) => decimals(v, 4);
    case 'cpc':
    case 'cpm':
    case 'cpa':
      return (v) => decimals(v, minorUnits + 2);
  }
}

/**
 * Writes one export's CSV: the header the layout names (the spec's by default), then each row,
 * CRLF as RFC 4180 says. A row of a `total` report writes its period as an ISO 8601 interval
 * in the date column.
 */
export class CsvWriter {
  private readonly cells: ((values: RowValues) => string)[];

  constructor(
    private readonly header: ExportRowsHeader,
    private readonly options: { bom: boolean },
  ) {
    const { layout, currency, period } = header;
    const at = fieldIndex(exportRowFields(layout));
    const interval = `${period.since}/${period.until}`;
    this.cells = csvColumns(layout).map((column): ((values: RowValues) => string) => {
      if (column === 'currency') return () => currency.code;
      if (column === 'date_end') {
        const start = at('date');
        const granularity = layout.granularity as 'week' | 'month';
        return (v) => periodEnd(v[start] as string, granularity, period.until);
      }
      const i = at(column);
      if (column === 'date') return (v) => (v[i] as string | null) ?? interval;
      if ((METRIC_NAMES as readonly string[]).includes(column)) {
        const format = metricFormat(column as MetricName, currency.minor_units);
        return (v) => format(v[i]);
      }
      return (v) => textCell(String(v[i] ?? ''));
    });
  }

  headerLine(): string {
    return `${this.options.bom ? '\uFEFF' : ''}${csvColumns(this.header.layout).join(',')}\r\n`;
  }

  /** The lines of a batch of rows, each ending in CRLF. */
  lines(batch: readonly RowValues[]): string[] {
    const { cells } = this;
    return batch.map((values) => {
      let line = cells[0]!(values);
      for (let i = 1; i < cells.length; i++) line += `,${cells[i]!(values)}`;
      return `${line}\r\n`;
    });
  }
}
