import {
  csvColumns,
  DIMENSION_COLUMNS,
  type ExportRow,
  type ExportRowsHeader,
  type MetricName,
} from '@wevion/shared';

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

type Cell = (row: ExportRow) => string;

/**
 * Number columns: money as the exact decimals report-builder rounded (minor units), unit costs
 * two places finer, rates and ROAS at fixed precision.
 */
function metricCell(metric: MetricName, minorUnits: number): Cell {
  switch (metric) {
    case 'spend':
      return (r) => r.spend;
    case 'conversion_value':
      return (r) => r.conversion_value;
    case 'impressions':
      return (r) => String(r.impressions);
    case 'clicks':
      return (r) => String(r.clicks);
    case 'conversions':
      return (r) => compact(r.conversions);
    case 'ctr':
      return (r) => fixed(r.ctr, 6);
    case 'roas':
      return (r) => fixed(r.roas, 4);
    case 'cpc':
    case 'cpm':
    case 'cpa':
      return (r) => fixed(r[metric], minorUnits + 2);
  }
}

/**
 * Writes one export's CSV: the header the layout names (the spec's by default), then each row,
 * CRLF as RFC 4180 says. A row of a `total` report writes its period as an ISO 8601 interval
 * in the date column.
 */
export class CsvWriter {
  private readonly cells: Cell[];

  constructor(
    private readonly header: ExportRowsHeader,
    private readonly options: { bom: boolean },
  ) {
    const { layout, currency, period } = header;
    const interval = `${period.since}/${period.until}`;
    const text =
      (column: keyof ExportRow): Cell =>
      (r) =>
        textCell(String(r[column] ?? ''));
    this.cells = [
      ...layout.dimensions.flatMap((d) =>
        d === 'date'
          ? [(r: ExportRow) => r.date ?? interval]
          : DIMENSION_COLUMNS[d].map((column) => text(column as keyof ExportRow)),
      ),
      ...(layout.include_currency ? [() => currency.code] : []),
      ...layout.metrics.map((m) => metricCell(m, currency.minor_units)),
    ];
  }

  headerLine(): string {
    return `${this.options.bom ? '\uFEFF' : ''}${csvColumns(this.header.layout).join(',')}\r\n`;
  }

  line(row: ExportRow): string {
    return `${this.cells.map((cell) => cell(row)).join(',')}\r\n`;
  }
}
