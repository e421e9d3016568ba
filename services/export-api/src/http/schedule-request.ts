import {
  DEFAULT_PREVIEW_RUNS,
  MAX_PREVIEW_RUNS,
  MAX_SCHEDULE_NAME_LENGTH,
  ValidationError,
  type FieldProblem,
  reportQueryFields,
  SCHEDULE_FREQUENCIES,
  SCHEDULE_RANGES,
  toValidationError,
  WEEKDAYS,
  type Recurrence,
  type ScheduleRange,
} from '@wevion/shared';
import Joi from 'joi';
import type { ScheduleExport, ScheduleInput } from '../domain/schedule.ts';
import { exportRequestSchema, splitExportBody } from './export-request.ts';

interface ScheduleContext {
  currencies: readonly string[];
  defaultTimezone: string;
}

/** The export fields a schedule's range sets for each run, so its body may not name them. */
const SET_BY_RANGE = ['since', 'until', 'timezone'];

const time = Joi.string()
  .pattern(/^([01]\d|2[0-3]):[0-5]\d$/)
  .required()
  .messages({ 'string.pattern.base': '"recurrence.time" must be a local time written HH:MM' });

const recurrence = Joi.object({
  frequency: Joi.string()
    .valid(...SCHEDULE_FREQUENCIES)
    .required(),
  time,
  days: Joi.when('frequency', {
    is: 'weekly',
    then: Joi.array()
      .items(Joi.string().valid(...WEEKDAYS))
      .min(1)
      .unique()
      .required(),
    otherwise: Joi.forbidden(),
  }),
  day: Joi.when('frequency', {
    is: 'monthly',
    then: Joi.alternatives(Joi.number().integer().min(1).max(31), Joi.string().valid('last'))
      .required()
      .messages({ 'alternatives.match': '"recurrence.day" must be 1 to 31 or "last"' }),
    otherwise: Joi.forbidden(),
  }),
}).required();

/** A schedule as a client writes it: name, the export, the range, the recurrence, the zone. */
function scheduleFields(context: ScheduleContext) {
  // Replaced, not amended: an amended rule would keep its default (the zone) and fill it in.
  const exportBody = exportRequestSchema(context).fork(SET_BY_RANGE, () =>
    Joi.any().forbidden().messages({
      'any.unknown': '{{#label}} is set for each run by the schedule\'s "range"',
    }),
  );
  return {
    name: Joi.string().trim().min(1).max(MAX_SCHEDULE_NAME_LENGTH).required(),
    export: exportBody.required(),
    range: Joi.string()
      .valid(...SCHEDULE_RANGES)
      .required(),
    recurrence,
    timezone: reportQueryFields(context).timezone.default(context.defaultTimezone),
  };
}

/** The fields a PATCH may change: each given replaces the stored one whole. */
export const SCHEDULE_INPUT_FIELDS = ['name', 'export', 'range', 'recurrence', 'timezone'] as const;

function validateSchedule(body: unknown, context: ScheduleContext): ScheduleInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError(
      'invalid_body',
      'Send a JSON object with name, export, range, recurrence and, optionally, timezone',
    );
  // Every problem at once, so a client fixes its request in one round trip.
  const { value, error } = Joi.object(scheduleFields(context)).validate(body, {
    abortEarly: false,
    convert: false,
  });
  if (error) throw toValidationError(error);
  const { format, params } = splitExportBody<Omit<ScheduleExport, 'format'>>(value.export);
  return {
    name: value.name,
    export: { format, ...params },
    range: value.range,
    recurrence: value.recurrence,
    timezone: value.timezone,
  };
}

/** POST /api/v1/analytics/schedules. */
export const parseScheduleCreate = (body: unknown, context: ScheduleContext) =>
  validateSchedule(body, context);

/**
 * PATCH /api/v1/analytics/schedules/:id: the given fields over the stored ones, the result
 * validated whole, so a change can never leave a schedule the create would refuse.
 */
export function parseSchedulePatch(
  body: unknown,
  current: ScheduleInput,
  context: ScheduleContext,
): ScheduleInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('invalid_body', 'Send a JSON object with the fields to change');
  const unknown: FieldProblem[] = Object.keys(body)
    .filter((field) => !(SCHEDULE_INPUT_FIELDS as readonly string[]).includes(field))
    .map((field) => ({ field, code: 'unknown_field', message: `"${field}" is not allowed` }));
  const known = Object.fromEntries(
    Object.entries(body).filter(([field]) => !unknown.some((u) => u.field === field)),
  );
  // Every problem in one answer: the unknown fields and the invalid known ones.
  const problems = [...unknown];
  let merged: ScheduleInput | null = null;
  try {
    merged = validateSchedule({ ...current, ...known }, context);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.details);
  }
  if (problems.length || !merged) throw ValidationError.of(problems);
  return merged;
}

export interface SchedulePreviewRequest {
  range: ScheduleRange;
  recurrence: Recurrence;
  timezone: string;
  from: Date | null;
  count: number;
}

/** POST /api/v1/analytics/schedules/preview: a schedule's body, plus `from` and `count`. */
export function parseSchedulePreview(
  body: unknown,
  context: ScheduleContext,
): SchedulePreviewRequest {
  const schema = Joi.object({
    ...scheduleFields(context),
    from: Joi.string().isoDate(),
    count: Joi.number().integer().min(1).max(MAX_PREVIEW_RUNS).default(DEFAULT_PREVIEW_RUNS),
  });
  // Every problem at once, so a client fixes its request in one round trip.
  const { value, error } = schema.validate(body ?? {}, { abortEarly: false, convert: false });
  if (error) throw toValidationError(error);
  return {
    range: value.range,
    recurrence: value.recurrence,
    timezone: value.timezone,
    from: value.from ? new Date(value.from) : null,
    count: value.count,
  };
}
