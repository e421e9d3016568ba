import {
  csvColumns,
  exportRowFields,
  fieldIndex,
  METRIC_NAMES,
  periodEnd,
  ratioOf,
  RATIOS,
  type ExportRowsHeader,
  type MetricName,
  type RatioInputs,
  type RatioName,
  type RowValues,
} from '@wevion/shared';

/**
 * A workbook's Data columns as typed cells: the CSV layout's columns, each with the value Excel
 * stores and the number format it shows. Dates are real dates, counts integers, money numbers in
 * the target currency's format and minor units, rates percentages, ROAS two decimals, ids and
 * names text. Text is always a string cell: a name starting with = + - @ is never a formula.
 */
export interface XlsxColumn {
  header: string;
  /** How wide the header alone needs; the widest value widens it. */
  minWidth: number;
  numFmt?: string;
  cell: (values: RowValues) => string | number | Date | null;
  /** The shown width of a value: its characters in the number format. */
  width: (value: string | number | Date | null) => number;
  /** What the totals row shows, from the column sums (`null`: left empty). */
  total: (sums: Sums) => number | null;
}

/** Counts summed over the rows (those the layout has). */
export interface Counts {
  impressions: number;
  clicks: number;
  conversions: number;
}

/** What the totals row is made from: the counts, and the report's money totals in minor units. */
export interface Sums extends Counts {
  spend: bigint;
  conversion_value: bigint;
}

/** The largest row number Excel opens: 1,048,576, the header and totals rows included. */
export const EXCEL_MAX_ROWS = 1_048_576;

/** A currency's symbol as English-speaking Excel users see it ("€", "¥", "CHF"). */
export function currencySymbol(code: string): string {
  const part = new Intl.NumberFormat('en', { style: 'currency', currency: code })
    .formatToParts(1)
    .find((p) => p.type === 'currency');
  return part?.value ?? code;
}

/** `"€"#,##0.00`, `"¥"#,##0`: the symbol quoted, grouped thousands, the minor units. */
export function moneyFormat(code: string, minorUnits: number): string {
  const symbol = `"${currencySymbol(code).replaceAll('"', '')}"`;
  const digits = minorUnits ? `.${'0'.repeat(minorUnits)}` : '';
  return `${symbol}#,##0${digits};-${symbol}#,##0${digits}`;
}

const DATE_FORMAT = 'yyyy-mm-dd';
const COUNT_FORMAT = '#,##0';
const PERCENT_FORMAT = '0.00%';
const ROAS_FORMAT = '0.00';

/** Money as minor units, exactly: "1234.50" → 123450n. */
export function minorOf(value: string, minorUnits: number): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  const units = BigInt(whole + fraction.padEnd(minorUnits, '0').slice(0, minorUnits));
  return negative ? -units : units;
}

/** Minor units back to the number a cell holds (exact for any sum a report reaches). */
const fromMinor = (units: bigint, minorUnits: number) => Number(units) / 10 ** minorUnits;

const dateOf = (value: string) => new Date(`${value}T00:00:00Z`);
const digitsWidth = (value: number, decimals: number) =>
  Math.abs(value).toFixed(decimals).length + Math.floor(Math.log10(Math.abs(value) || 1) / 3) + 2;

export function xlsxColumns(header: ExportRowsHeader): XlsxColumn[] {
  const { layout, currency, period } = header;
  const fields: readonly string[] = exportRowFields(layout);
  const minor = currency.minor_units;
  const money = moneyFormat(currency.code, minor);
  const symbol = currencySymbol(currency.code).length;
  const at = fieldIndex(fields);
  const text = (header: string, read: (v: RowValues) => string): XlsxColumn => ({
    header,
    minWidth: header.length,
    cell: read,
    width: (value) => String(value ?? '').length,
    total: () => null,
  });
  const interval = `${period.since}/${period.until}`;
  // A ratio's total divides its inputs' sums; a layout without an input count leaves that total
  // empty. Money sums come from the report totals and are always there.
  const isMoney = (input: keyof RatioInputs): input is 'spend' | 'conversion_value' =>
    input === 'spend' || input === 'conversion_value';
  const sumOf = (s: Sums, input: keyof RatioInputs) =>
    isMoney(input) ? fromMinor(s[input], minor) : s[input];
  const ratioTotal = (name: RatioName): XlsxColumn['total'] => {
    const ratio = RATIOS[name];
    const summed = [ratio.numerator, ratio.denominator].every(
      (i) => isMoney(i) || fields.includes(i),
    );
    return (s) =>
      summed ? ratioOf(ratio, sumOf(s, ratio.numerator), sumOf(s, ratio.denominator)) : null;
  };
  return csvColumns(layout).map((column): XlsxColumn => {
    if (column === 'currency') return text(column, () => currency.code);
    if (column === 'date' || column === 'date_end') {
      const start = at('date');
      const read =
        column === 'date'
          ? (v: RowValues) => v[start] as string | null
          : (v: RowValues) =>
              periodEnd(v[start] as string, layout.granularity as 'week' | 'month', period.until);
      return {
        header: column,
        minWidth: column.length,
        numFmt: DATE_FORMAT,
        // A whole-period row has no date: its interval, as text, says which period it covers.
        cell: (v) => {
          const date = read(v);
          return date === null ? interval : dateOf(date);
        },
        width: (value) => (value instanceof Date ? DATE_FORMAT.length : String(value).length),
        total: () => null,
      };
    }
    if (!(METRIC_NAMES as readonly string[]).includes(column)) {
      const i = at(column);
      return text(column, (v) => String(v[i] ?? ''));
    }
    const metric = column as MetricName;
    const i = at(metric);
    const number = (v: RowValues) => (v[i] === null ? null : (v[i] as number));
    const metricColumn = (
      numFmt: string,
      cell: XlsxColumn['cell'],
      decimals: number,
      total: XlsxColumn['total'],
      extra = 0,
    ): XlsxColumn => ({
      header: metric,
      minWidth: metric.length,
      numFmt,
      cell,
      width: (value) => (typeof value === 'number' ? digitsWidth(value, decimals) + extra : 0),
      total,
    });
    /** Spend per click, per thousand impressions or per conversion, in the currency's format. */
    const unitCost = (cost: 'cpc' | 'cpm' | 'cpa') =>
      metricColumn(money, number, minor, ratioTotal(cost), symbol);
    switch (metric) {
      case 'spend':
      case 'conversion_value':
        return metricColumn(
          money,
          (v) => Number(v[i] as string),
          minor,
          (s) => fromMinor(s[metric], minor),
          symbol,
        );
      case 'impressions':
      case 'clicks':
        return metricColumn(COUNT_FORMAT, number, 0, (s) => s[metric]);
      case 'conversions':
        // Attribution gives fractions of a conversion: shown to two places, stored exactly.
        return metricColumn('#,##0.00', number, 2, (s) => Number(s.conversions.toFixed(6)));
      case 'ctr':
        return metricColumn(PERCENT_FORMAT, number, 2, ratioTotal('ctr'), 3);
      case 'roas':
        return metricColumn(ROAS_FORMAT, number, 2, ratioTotal('roas'));
      case 'cpc':
        return unitCost('cpc');
      case 'cpm':
        return unitCost('cpm');
      case 'cpa':
        return unitCost('cpa');
    }
  });
}

/** Adds a row's counts to the sums (money totals come from the claim check's trailer). */
export function countsAdder(header: ExportRowsHeader): (counts: Counts, values: RowValues) => void {
  const fields = exportRowFields(header.layout);
  const at = (['impressions', 'clicks', 'conversions'] as const)
    .map((count) => ({ count, index: fields.indexOf(count) }))
    .filter(({ index }) => index >= 0);
  return (counts, values) => {
    for (const { count, index } of at) {
      const v = values[index];
      if (typeof v === 'number') counts[count] += v;
    }
  };
}
