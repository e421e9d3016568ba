import {
  DEFAULT_PREVIEW_RUNS,
  JOB_STATUSES,
  MAX_PREVIEW_RUNS,
  MAX_SCHEDULE_NAME_LENGTH,
  PAUSE_REASONS,
  RUN_OUTCOMES,
  SCHEDULE_RANGES,
  SCHEDULE_STATUSES,
  WEEKDAYS,
} from '@wevion/shared';
import { codeAndMessage, date, instant, nullable, ref } from './building-blocks.ts';
import { jobSchemas } from './job-schemas.ts';

const time = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', examples: ['09:00'] };
const recurrenceOf = (frequency: string, fields: Record<string, object>) => ({
  type: 'object',
  required: ['frequency', 'time', ...Object.keys(fields)],
  additionalProperties: false,
  properties: { frequency: { const: frequency }, time, ...fields },
});

/** The export body without the fields each run's range sets (since, until, timezone). */
const {
  since: _since,
  until: _until,
  timezone: _zone,
  ...exportFields
} = jobSchemas.ExportRequest.properties;
const scheduleExport = {
  ...jobSchemas.ExportRequest,
  required: jobSchemas.ExportRequest.required.filter((f) => f !== 'since' && f !== 'until'),
  properties: exportFields,
};

/** A schedule's fields as a client writes them. */
const scheduleFields = {
  name: { type: 'string', minLength: 1, maxLength: MAX_SCHEDULE_NAME_LENGTH },
  export: scheduleExport,
  range: {
    enum: SCHEDULE_RANGES,
    description:
      'The dates each run exports, from its own scheduled time in the schedule’s zone: each ends on the last complete day, except month_to_date. A quarter over 90 days exports its last 90 (warning `range_capped`).',
  },
  recurrence: { $ref: '#/components/schemas/Recurrence' },
  timezone: { type: 'string', description: 'IANA zone; default the workspace’s.' },
};

/** Scheduled exports: a schedule, its runs and its preview. */
export const scheduleSchemas = {
  Recurrence: {
    description:
      'When runs happen, at a local HH:MM in the schedule’s zone. A time in the spring-forward gap runs at the first valid instant after it; a time that occurs twice at fall-back runs once, at its first occurrence. The 31st runs on the last day of shorter months.',
    oneOf: [
      recurrenceOf('daily', {}),
      recurrenceOf('weekly', {
        days: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: WEEKDAYS } },
      }),
      recurrenceOf('monthly', {
        day: { oneOf: [{ type: 'integer', minimum: 1, maximum: 31 }, { const: 'last' }] },
      }),
    ],
  },
  ScheduleRequest: {
    type: 'object',
    required: ['name', 'export', 'range', 'recurrence'],
    additionalProperties: false,
    properties: scheduleFields,
  },
  SchedulePatch: {
    type: 'object',
    description:
      'The fields to change; each given replaces the stored one whole (send all of `export` to change part of it). The result is validated as a new schedule would be.',
    minProperties: 1,
    additionalProperties: false,
    properties: scheduleFields,
  },
  SchedulePreviewRequest: {
    type: 'object',
    required: ['name', 'export', 'range', 'recurrence'],
    additionalProperties: false,
    properties: {
      ...scheduleFields,
      from: { ...instant, description: 'List the runs after this instant; default now.' },
      count: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_PREVIEW_RUNS,
        default: DEFAULT_PREVIEW_RUNS,
      },
    },
  },
  ScheduleRun: {
    type: 'object',
    additionalProperties: false,
    required: [
      'scheduled_for',
      'fired_at',
      'outcome',
      'reason',
      'job_id',
      'job_status',
      'since',
      'until',
    ],
    properties: {
      scheduled_for: { ...instant, description: 'The timetable’s time for this run (UTC).' },
      fired_at: { ...instant, description: 'When a task took the run up.' },
      outcome: {
        enum: RUN_OUTCOMES,
        description:
          '`job`: the run made a job (see `job_status`). `missed`: no task ran at that time (the latest missed time ran instead). `skipped_overlap`: the previous run’s job was still going. `skipped_quota`: the monthly exports were used. `skipped_gate`: a gate refused it (see `reason`; the schedule paused). `pending`: being started.',
      },
      reason: nullable(codeAndMessage({ type: 'string' })),
      job_id: { type: ['string', 'null'] },
      job_status: { oneOf: [{ enum: JOB_STATUSES }, { type: 'null' }] },
      since: date,
      until: date,
    },
  },
  Schedule: {
    type: 'object',
    additionalProperties: false,
    required: [
      'schedule_id',
      'name',
      'export',
      'range',
      'recurrence',
      'timezone',
      'status',
      'paused_reason',
      'next_runs',
      'last_run',
      'created_by',
      'created_at',
      'updated_at',
    ],
    properties: {
      schedule_id: { type: 'string' },
      ...scheduleFields,
      timezone: { type: 'string' },
      status: { enum: SCHEDULE_STATUSES },
      paused_reason: nullable(codeAndMessage({ enum: PAUSE_REASONS })),
      next_runs: {
        type: 'array',
        maxItems: DEFAULT_PREVIEW_RUNS,
        items: { ...instant, description: 'ISO 8601 with the zone’s offset at that instant.' },
        description: 'The next runs; empty while paused.',
      },
      last_run: nullable(ref('ScheduleRun')),
      created_by: {
        type: 'string',
        description: 'Who last created or changed it: its runs are theirs.',
      },
      created_at: instant,
      updated_at: instant,
    },
  },
  ScheduleList: {
    type: 'object',
    additionalProperties: false,
    required: ['schedules', 'next_cursor'],
    properties: {
      schedules: { type: 'array', items: ref('Schedule') },
      next_cursor: { type: ['string', 'null'] },
    },
  },
  ScheduleRuns: {
    type: 'object',
    additionalProperties: false,
    required: ['runs'],
    properties: { runs: { type: 'array', items: ref('ScheduleRun') } },
  },
  SchedulePreview: {
    type: 'object',
    required: ['next_runs'],
    additionalProperties: false,
    properties: {
      next_runs: {
        type: 'array',
        items: { ...instant, description: 'ISO 8601 with the zone’s offset at that instant.' },
      },
    },
  },
};
