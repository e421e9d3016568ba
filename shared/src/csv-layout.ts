import {
  DEFAULT_CSV_LAYOUT,
  DIMENSIONS,
  GRANULARITIES,
  GRANULARITY_ALIASES,
  type CsvLayout,
  type Dimension,
  type Granularity,
} from './api-contract.ts';
import { addDays, type CalendarDate } from './calendar-date.ts';
import Joi from 'joi';
import { ValidationError } from './errors.ts';
import { EXPORT_FORMAT_SPECS, type ExportFormat } from './export-formats.ts';
import { METRIC_NAMES, SPEC_METRICS } from './report-dataset.ts';
import { toValidationError } from './report-query.ts';

/**
 * The shape of a CSV export: which dimensions key its rows (in column and sort order), how
 * dates are grouped, which metrics follow, and whether a currency column says what the money is.
 * The API validates it, report-builder groups by it, the renderer writes its columns.
 */

/** The columns each dimension contributes, in order. */
export const DIMENSION_COLUMNS: Readonly<Record<Dimension, readonly string[]>> = {
  date: ['date'],
  platform: ['platform'],
  account: ['account_id', 'account_currency'],
  campaign: ['campaign_id', 'campaign_name'],
};

/** Rows that span several days (a week, a month) also say where they end: `date_end`. */
const spansDays = (layout: CsvLayout) =>
  layout.granularity === 'week' || layout.granularity === 'month';

export function csvColumns(layout: CsvLayout): string[] {
  return [
    ...layout.dimensions.flatMap((d) =>
      d === 'date' && spansDays(layout) ? ['date', 'date_end'] : DIMENSION_COLUMNS[d],
    ),
    ...(layout.include_currency ? ['currency'] : []),
    ...layout.metrics,
  ];
}

/** Monday 1 … Sunday 7, as ISO weeks count. */
const isoWeekday = (date: CalendarDate) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;

/**
 * The first date of the row a local date falls in: the date itself, its ISO week's Monday or its
 * month's first day, never before the report's first day (a period cut by the range starts with
 * the range); `null` when the whole period is one row.
 */
export function periodStart(
  date: CalendarDate,
  granularity: Granularity,
  since: CalendarDate,
): CalendarDate | null {
  let start: CalendarDate;
  switch (granularity) {
    case 'total':
      return null;
    case 'day':
      return date;
    case 'week':
      start = addDays(date, 1 - isoWeekday(date));
      break;
    case 'month':
      start = `${date.slice(0, 8)}01`;
      break;
  }
  return start < since ? since : start;
}

/**
 * The last local date of a week (ISO, Monday to Sunday) or month row that starts on `start`,
 * within the period: a 1–5 Dec month row of a report that ends on 5 Dec ends on 5 Dec.
 */
export function periodEnd(
  start: CalendarDate,
  granularity: 'week' | 'month',
  until: CalendarDate,
): CalendarDate {
  let end: CalendarDate;
  if (granularity === 'week') {
    end = addDays(start, 7 - isoWeekday(start));
  } else {
    const [year, month] = start.split('-').map(Number) as [number, number];
    end = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  }
  return end > until ? until : end;
}

function orderedSubset<T extends string>(field: string, allowed: readonly T[]) {
  return Joi.array()
    .items(
      Joi.string()
        .valid(...allowed)
        .messages({ 'any.only': `"${field}" may contain only ${allowed.join(', ')}` }),
    )
    .min(1)
    .unique()
    .messages({
      'array.base': `"${field}" must be a list drawn from ${allowed.join(', ')}`,
      'array.min': `"${field}" must name at least one of ${allowed.join(', ')}`,
      'array.unique': `"${field}" must not repeat a value`,
    });
}

/** Field rules for the CSV layout, as a request names them; `csvLayoutOf` fills the defaults. */
export const csvLayoutFields = {
  dimensions: orderedSubset('dimensions', DIMENSIONS),
  granularity: Joi.string()
    .valid(...GRANULARITIES, ...Object.keys(GRANULARITY_ALIASES))
    .messages({
      'any.only': `"granularity" must be one of ${GRANULARITIES.join(', ')} (daily is accepted for day)`,
    }),
  metrics: orderedSubset('metrics', METRIC_NAMES),
  include_currency: Joi.boolean(),
};

export type CsvLayoutInput = Partial<Omit<CsvLayout, 'granularity'>> & { granularity?: string };

/**
 * The layout a validated request asks for, defaults filled in: without `date` among the
 * dimensions a row covers the whole period, so granularity can only be `total` (its default
 * then); naming a finer one is a mistake worth saying.
 */
export function csvLayoutOf(input: CsvLayoutInput): CsvLayout {
  const dimensions = input.dimensions ?? [...DEFAULT_CSV_LAYOUT.dimensions];
  const named = input.granularity && (GRANULARITY_ALIASES[input.granularity] ?? input.granularity);
  const granularity = (named ?? (dimensions.includes('date') ? 'day' : 'total')) as Granularity;
  if (!dimensions.includes('date') && granularity !== 'total') {
    throw new ValidationError(
      'invalid_field',
      `"granularity" ${granularity} needs "date" among the dimensions; add it, or use total`,
      'granularity',
    );
  }
  return {
    dimensions,
    granularity,
    metrics: input.metrics ?? [...SPEC_METRICS],
    include_currency: input.include_currency ?? false,
  };
}

const layoutSchema = Joi.object(csvLayoutFields);

/** Validates a layout that crossed a boundary (a queue message, the CLI) and fills defaults. */
export function parseCsvLayout(input: unknown): CsvLayout {
  const { value, error } = layoutSchema.validate(input ?? {}, {
    abortEarly: true,
    convert: false,
  });
  if (error) throw toValidationError(error);
  return csvLayoutOf(value as CsvLayoutInput);
}

/** True when the layout is the spec's file, so its name needs no shape suffix. */
function isDefaultShape(layout: CsvLayout): boolean {
  return (
    layout.dimensions.join() === DEFAULT_CSV_LAYOUT.dimensions.join() &&
    layout.granularity === 'day'
  );
}

/**
 * What a downloaded export is called: `wevion-cross-channel_2026-08-01_2026-10-29_EUR.csv`, plus
 * the shape when it is not the default (`…_EUR_account-campaign_total.csv`), so two exports of
 * one range in other currencies or shapes never share a name.
 */
export function exportFilename(input: {
  since: string;
  until: string;
  currency: string;
  format: ExportFormat;
  layout: CsvLayout | null;
}): string {
  const shape =
    input.layout && !isDefaultShape(input.layout)
      ? `_${input.layout.dimensions.join('-')}_${input.layout.granularity}`
      : '';
  return `wevion-cross-channel_${input.since}_${input.until}_${input.currency}${shape}.${EXPORT_FORMAT_SPECS[input.format].extension}`;
}
