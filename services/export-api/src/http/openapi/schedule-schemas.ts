import { MAX_PREVIEW_RUNS, DEFAULT_PREVIEW_RUNS, SCHEDULE_RANGES, WEEKDAYS } from '@wevion/shared';
import { instant } from './building-blocks.ts';
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

/** Scheduled exports: a schedule's body and its preview. */
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
  SchedulePreviewRequest: {
    type: 'object',
    required: ['name', 'export', 'range', 'recurrence'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      export: scheduleExport,
      range: {
        enum: SCHEDULE_RANGES,
        description:
          'The dates each run exports, from its own scheduled time in the schedule’s zone: each ends on the last complete day, except month_to_date.',
      },
      recurrence: { $ref: '#/components/schemas/Recurrence' },
      timezone: { type: 'string', description: 'IANA zone; default the workspace’s.' },
      from: { ...instant, description: 'List the runs after this instant; default now.' },
      count: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_PREVIEW_RUNS,
        default: DEFAULT_PREVIEW_RUNS,
      },
    },
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
