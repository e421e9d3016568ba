import Joi from 'joi';
import { EARLIEST_DATE, LATEST_DATE, MAX_DATE_RANGE_DAYS } from './api-contract.ts';
import { daysInclusive, isCalendarDate, type CalendarDate } from './calendar-date.ts';
import { ValidationError, type FieldProblem } from './errors.ts';
import { MAX_PLATFORMS_PER_REPORT, PLATFORMS, type Platform } from './platforms.ts';

export const DEFAULT_TOP_N = 10;

/** What the aggregation engine computes; the export API adds `format` on top of it. */
export interface ReportQuery {
  workspace_id: string;
  since: CalendarDate;
  until: CalendarDate;
  platforms: Platform[];
  target_currency: string;
  timezone: string;
  compare_previous: boolean;
  top_n: number;
}

export interface ReportQueryContext {
  /** Currencies the FX table can convert to (EUR included). */
  currencies: readonly string[];
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A `YYYY-MM-DD` string that exists on the calendar and lies in [EARLIEST_DATE, LATEST_DATE]. */
export const calendarDate = Joi.string()
  .custom((value: string, helpers) => {
    if (!isCalendarDate(value)) return helpers.error('date.calendar');
    if (value < EARLIEST_DATE || value > LATEST_DATE) return helpers.error('date.window');
    return value;
  })
  .messages({
    'date.calendar': '{{#label}} must be a real calendar date written YYYY-MM-DD',
    'date.window': `{{#label}} must be between ${EARLIEST_DATE} and ${LATEST_DATE}`,
  });

/**
 * Field rules shared by the aggregation CLI, report-builder's queue consumer and the export API,
 * so a request the API accepts is one the worker can run.
 */
export function reportQueryFields(context: ReportQueryContext) {
  return {
    since: calendarDate.required(),
    until: calendarDate.required(),
    platforms: Joi.array()
      .items(
        Joi.string()
          .valid(...PLATFORMS)
          .messages({ 'any.only': `{{#label}} must be one of ${PLATFORMS.join(', ')}` }),
      )
      .min(1)
      .max(MAX_PLATFORMS_PER_REPORT)
      .unique()
      .required()
      .messages({
        'array.min': '"platforms" must name at least 1 platform',
        'array.max': `"platforms" must name at most ${MAX_PLATFORMS_PER_REPORT} platforms`,
        'array.unique': '"platforms" must not repeat a platform',
      }),
    target_currency: Joi.string()
      .pattern(/^[A-Z]{3}$/)
      .custom((value: string, helpers) =>
        context.currencies.includes(value) ? value : helpers.error('currency.unsupported'),
      )
      .required()
      .messages({
        'string.pattern.base': '"target_currency" must be a 3-letter uppercase ISO 4217 code',
        'currency.unsupported': `"target_currency" must be a supported currency: ${[...context.currencies].sort().join(', ')}`,
      }),
    timezone: Joi.string()
      .custom((value: string, helpers) => (isTimeZone(value) ? value : helpers.error('tz.iana')))
      .messages({ 'tz.iana': '"timezone" must be an IANA time zone name such as Europe/Berlin' }),
    compare_previous: Joi.boolean().default(true),
  };
}

/** Range rules that need both dates; reported on `until`, the field a user usually fixes. */
/**
 * Validates a query with every problem at once: each invalid field once, and the range's
 * problem too when both dates are valid on their own. Returns the value with its defaults.
 */
export function validateReportFields<T extends { since: CalendarDate; until: CalendarDate }>(
  schema: Joi.ObjectSchema,
  input: unknown,
  options: { convert: boolean },
): T {
  const { value, error } = schema.validate(input, { abortEarly: false, convert: options.convert });
  const problems = error ? fieldProblems(error) : [];
  if (!problems.some((p) => p.field === 'since' || p.field === 'until')) {
    const range = dateRangeProblem(value.since, value.until);
    if (range) problems.push(range);
  }
  if (problems.length) throw ValidationError.of(problems);
  return value as T;
}

/** What is wrong with a range of two valid dates, or null. */
function dateRangeProblem(since: CalendarDate, until: CalendarDate): FieldProblem | null {
  if (since > until) {
    return {
      field: 'until',
      code: 'invalid_date_range',
      message: '"since" must be on or before "until"',
    };
  }
  const days = daysInclusive(since, until);
  if (days > MAX_DATE_RANGE_DAYS) {
    return {
      field: 'until',
      code: 'date_range_too_long',
      message: `The date range spans ${days} days; the maximum is ${MAX_DATE_RANGE_DAYS}. Split it into shorter exports.`,
    };
  }
  return null;
}

/** Every field joi found wrong (validate with `abortEarly: false`), once each, by name. */
export function fieldProblems(error: Joi.ValidationError): FieldProblem[] {
  const problems = new Map<string, FieldProblem>();
  for (const detail of error.details) {
    const field = detail.path.join('.');
    // A field breaking two rules ("eur": pattern and allowed values) is one thing to fix.
    if (problems.has(field)) continue;
    problems.set(field, {
      ...(field ? { field } : {}),
      code: detail.type === 'object.unknown' ? 'unknown_field' : 'invalid_field',
      message: detail.message,
    });
  }
  return [...problems.values()];
}

/** Turns joi's errors into our ValidationError: the first named, all of them in `details`. */
export function toValidationError(error: Joi.ValidationError): ValidationError {
  return ValidationError.of(fieldProblems(error));
}

/** Validates an aggregation query (CLI, queue message) and fills its defaults. */
export function parseReportQuery(input: unknown, context: ReportQueryContext): ReportQuery {
  const fields = reportQueryFields(context);
  const schema = Joi.object({
    workspace_id: Joi.string().min(1).max(128).required(),
    ...fields,
    timezone: fields.timezone.default('UTC'),
    top_n: Joi.number().integer().min(1).max(100).default(DEFAULT_TOP_N),
  });
  return Object.freeze(validateReportFields<ReportQuery>(schema, input, { convert: false }));
}
