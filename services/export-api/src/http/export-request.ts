import {
  csvLayoutFields,
  validateReportFields,
  csvLayoutOf,
  EXPORT_FORMATS,
  EXPORT_FORMAT_SPECS,
  FIXED_FORMATS,
  formatList,
  JOB_STATUSES,
  LAYOUT_FORMATS,
  calendarDate,
  reportQueryFields,
  toValidationError,
  ValidationError,
  addDays,
  type CsvLayoutInput,
  type ExportFormat,
} from '@wevion/shared';
import Joi from 'joi';
import type { ExportParams } from '../domain/job.ts';
import type { JobFilter } from '../ports.ts';

/** The layout fields, refused on a format whose sections are fixed (a PDF). */
const layoutOnlyFields = Object.fromEntries(
  Object.entries(csvLayoutFields).map(([name, rule]) => [
    name,
    rule.when('format', {
      is: Joi.valid(...FIXED_FORMATS),
      then: Joi.forbidden().messages({
        'any.unknown': `"${name}" applies to ${formatList(LAYOUT_FORMATS, 'and')} exports only; a ${formatList(FIXED_FORMATS)} has fixed sections`,
      }),
    }),
  ]),
);

interface ExportRequestContext {
  currencies: readonly string[];
  defaultTimezone: string;
}

/** The body of POST /api/v1/analytics/export: the spec's fields plus the extras it implies. */
export function exportRequestSchema(context: ExportRequestContext): Joi.ObjectSchema {
  const fields = reportQueryFields(context);
  return Joi.object({
    format: Joi.string()
      .valid(...EXPORT_FORMATS)
      .required()
      .messages({ 'any.only': `"format" must be ${formatList(EXPORT_FORMATS)} (uppercase)` }),
    ...fields,
    timezone: fields.timezone.default(context.defaultTimezone),
    csv_bom: Joi.boolean().default(false),
    ...layoutOnlyFields,
  });
}

/** POST /api/v1/analytics/export: the spec's fields plus the extras it implies, nothing else. */
export function parseExportRequest(
  body: unknown,
  context: ExportRequestContext,
): { format: ExportFormat; params: ExportParams } {
  const schema = exportRequestSchema(context);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError(
      'invalid_body',
      'Send a JSON object with since, until, platforms, format and target_currency',
    );
  }
  // Every problem at once, so a client fixes its request in one round trip.
  const value = validateReportFields<ExportParams & CsvLayoutInput & { format: ExportFormat }>(
    schema,
    body,
    { convert: false },
  );
  return splitExportBody<ExportParams>(value);
}

/** A validated export body as a format and the job's params, the layout filled in. */
export function splitExportBody<P extends object>(
  value: P & CsvLayoutInput & { format: ExportFormat },
): { format: ExportFormat; params: P } {
  const { format, dimensions, granularity, metrics, include_currency, ...rest } = value;
  const params = rest as unknown as P;
  if (!EXPORT_FORMAT_SPECS[format].takesLayout) return { format, params };
  return {
    format,
    params: { ...params, ...csvLayoutOf({ dimensions, granularity, metrics, include_currency }) },
  };
}

const historyQuery = Joi.object({
  created_from: calendarDate,
  created_to: calendarDate,
  format: Joi.string().valid(...EXPORT_FORMATS),
  status: Joi.string().valid(...JOB_STATUSES),
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string().max(500),
});

/** GET /api/v1/analytics/export query string: created dates are UTC calendar days, inclusive. */
export function parseHistoryQuery(query: unknown): {
  filter: JobFilter;
  page: { limit: number; cursor?: string };
} {
  const { value, error } = historyQuery.validate(query, { abortEarly: false, convert: true });
  if (error) throw toValidationError(error);
  if (value.created_from && value.created_to && value.created_from > value.created_to) {
    throw new ValidationError(
      'invalid_date_range',
      '"created_from" must be on or before "created_to"',
      'created_to',
    );
  }
  return {
    filter: {
      ...(value.created_from ? { createdFrom: `${value.created_from}T00:00:00.000Z` } : {}),
      ...(value.created_to
        ? { createdBefore: `${addDays(value.created_to, 1)}T00:00:00.000Z` }
        : {}),
      ...(value.format ? { format: value.format } : {}),
      ...(value.status ? { status: value.status } : {}),
    },
    page: { limit: value.limit, ...(value.cursor ? { cursor: value.cursor } : {}) },
  };
}
