import {
  DIMENSIONS,
  ECB_REFERENCE_CURRENCIES,
  csvLayoutFields,
  EXPORT_FORMATS,
  FIXED_FORMATS,
  GRANULARITIES,
  GRANULARITY_ALIASES,
  JOB_STATUSES,
  JOB_WARNING_CODES,
  PROGRESS_STAGES,
  MAX_DATE_RANGE_DAYS,
  MAX_PLATFORMS_PER_REPORT,
  METRIC_NAMES,
  PLATFORMS,
} from '@wevion/shared';
import { codeAndMessage, date, instant, nullable, ref } from './building-blocks.ts';

/** The bodies of exports and their jobs, and the error body every operation shares. */
export const jobSchemas = {
  ErrorBody: {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', examples: ['invalid_field'] },
          message: { type: 'string' },
          field: { type: 'string', description: 'The first invalid field.' },
          details: {
            type: 'array',
            description: 'Every invalid field of a 400, once each.',
            items: {
              type: 'object',
              required: ['code', 'message'],
              additionalProperties: false,
              properties: {
                field: { type: 'string' },
                code: { type: 'string' },
                message: { type: 'string' },
              },
            },
          },
        },
      },
      reason: {
        type: 'string',
        description: 'Why a gate refused (403, 429): insufficient_role, subscription_required, …',
      },
      status: { enum: JOB_STATUSES, description: 'A 409: the status of the job as it is.' },
      limit: {
        type: 'integer',
        description: 'A 403 schedule_limit_reached: how many schedules the plan allows.',
      },
    },
  },
  ExportRequest: {
    type: 'object',
    required: ['since', 'until', 'platforms', 'format', 'target_currency'],
    additionalProperties: false,
    // The layout fields are refused on a format whose sections are fixed.
    not: {
      description: 'A format with fixed sections (PDF) takes no layout field.',
      required: ['format'],
      properties: { format: { enum: FIXED_FORMATS } },
      anyOf: Object.keys(csvLayoutFields).map((field) => ({
        required: [field],
        properties: { [field]: {} },
      })),
    },
    properties: {
      since: { ...date, description: 'First day, in the report time zone.' },
      until: {
        ...date,
        description: `Last day, inclusive: a range of at most ${MAX_DATE_RANGE_DAYS} days, both ends included.`,
      },
      platforms: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_PLATFORMS_PER_REPORT,
        uniqueItems: true,
        items: { enum: PLATFORMS },
      },
      format: { enum: EXPORT_FORMATS },
      target_currency: { enum: ECB_REFERENCE_CURRENCIES },
      timezone: { type: 'string', description: 'IANA zone; default the workspace’s.' },
      compare_previous: { type: 'boolean', default: true },
      csv_bom: { type: 'boolean', default: false },
      dimensions: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        description: 'CSV only.',
        items: { enum: DIMENSIONS },
      },
      granularity: {
        enum: [...GRANULARITIES, ...Object.keys(GRANULARITY_ALIASES)],
        description: 'CSV only.',
      },
      metrics: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: METRIC_NAMES },
        description: 'CSV only.',
      },
      include_currency: { type: 'boolean', description: 'CSV only.' },
    },
  },
  ExportAccepted: {
    type: 'object',
    required: ['job_id', 'status'],
    additionalProperties: false,
    properties: { job_id: { type: 'string', format: 'uuid' }, status: { const: 'PENDING' } },
  },
  Job: {
    type: 'object',
    required: [
      'job_id',
      'status',
      'format',
      'requested_by',
      'params',
      'progress',
      'file',
      'error',
      'warnings',
      'created_at',
      'started_at',
      'completed_at',
    ],
    additionalProperties: false,
    properties: {
      job_id: { type: 'string', format: 'uuid' },
      status: { enum: JOB_STATUSES },
      format: { enum: EXPORT_FORMATS },
      requested_by: { type: 'string', description: 'The requester’s user id.' },
      requested_by_name: {
        type: 'string',
        description: 'The requester’s name, when their token carried one (`name`).',
      },
      schedule_id: {
        type: 'string',
        description: 'The schedule whose run made this job (scheduled exports only).',
      },
      schedule_name: { type: 'string', description: 'That schedule’s name when it ran.' },
      params: {
        type: 'object',
        required: ['since', 'until', 'platforms', 'target_currency', 'timezone'],
        properties: {
          since: date,
          until: date,
          platforms: { type: 'array', items: { type: 'string' } },
          target_currency: { type: 'string' },
          timezone: { type: 'string' },
        },
      },
      progress: nullable({
        type: 'object',
        required: ['stage', 'percent'],
        additionalProperties: false,
        properties: {
          stage: { enum: PROGRESS_STAGES },
          percent: { type: 'integer', minimum: 0, maximum: 100 },
          rows: { type: 'integer', minimum: 0 },
        },
      }),
      file: nullable({
        type: 'object',
        required: ['filename', 'bytes', 'rows', 'sha256', 'content_type'],
        additionalProperties: false,
        properties: {
          filename: { type: 'string' },
          bytes: { type: 'integer', minimum: 0 },
          rows: { type: 'integer', minimum: 0 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          content_type: { type: 'string' },
        },
      }),
      error: nullable(
        codeAndMessage({
          type: 'string',
          examples: ['cancelled', 'timeout', 'currency_without_rates'],
        }),
      ),
      warnings: { type: 'array', items: codeAndMessage({ enum: JOB_WARNING_CODES }) },
      created_at: instant,
      started_at: nullable(instant),
      completed_at: nullable(instant),
      download_url: {
        type: 'string',
        format: 'uri',
        description: 'Only on a single COMPLETED job: signed afresh on every read.',
      },
      expires_at: instant,
    },
  },
  JobPage: {
    type: 'object',
    required: ['jobs', 'next_cursor'],
    additionalProperties: false,
    properties: {
      jobs: { type: 'array', items: ref('Job') },
      next_cursor: { type: ['string', 'null'] },
    },
  },
};
