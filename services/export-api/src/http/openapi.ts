import {
  ECB_REFERENCE_CURRENCIES,
  EXPORT_FORMATS,
  JOB_STATUSES,
  MAX_DATE_RANGE_DAYS,
  MAX_PLATFORMS_PER_REPORT,
  PLATFORMS,
} from '@wevion/shared';
import { ROLES } from '../domain/user.ts';
import { WEBHOOK_EVENTS } from '../domain/webhook.ts';
import * as examples from './openapi-examples.ts';
import { errorExample } from './openapi-examples.ts';

/**
 * The public API as OpenAPI 3.1: served at /api/v1/openapi.json, rendered at /api/docs, and
 * checked against every response the API tests receive, so it cannot drift from the code.
 * Enumerations come from the same constants the validators use.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: object) => ({ oneOf: [schema, { type: 'null' }] });
const date = { type: 'string', format: 'date', examples: ['2026-08-01'] };
const instant = { type: 'string', format: 'date-time' };
const json = (schema: object, description: string, example?: unknown) => ({
  description,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});
/** An error answer; its example's code is `code`, or the one the description starts with. */
const error = (description: string, code?: string) =>
  json(ref('ErrorBody'), description, errorExample(code ? `${code}: ${description}` : description));

const quotaHeaders = {
  'X-Export-Quota-Limit': {
    description: 'Exports a month on the plan (absent on plans without a limit).',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  'X-Export-Quota-Remaining': {
    description: 'Exports left this month, after this request.',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  'X-Export-Quota-Reset': {
    description: 'When the quota renews: Unix seconds (the 1st of next month, 00:00 UTC).',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
};

const metrics = {
  type: 'object',
  additionalProperties: { type: ['number', 'null'] },
};

const schemas = {
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
    },
  },
  ExportRequest: {
    type: 'object',
    required: ['since', 'until', 'platforms', 'format', 'target_currency'],
    additionalProperties: false,
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
        description: 'CSV only.',
        items: { enum: ['date', 'platform', 'account', 'campaign'] },
      },
      granularity: { enum: ['day', 'daily', 'week', 'month', 'total'], description: 'CSV only.' },
      metrics: { type: 'array', items: { type: 'string' }, description: 'CSV only.' },
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
          stage: { enum: ['queued', 'aggregating', 'rendering', 'uploading', 'done'] },
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
      error: nullable({
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', examples: ['cancelled', 'timeout', 'currency_without_rates'] },
          message: { type: 'string' },
        },
      }),
      warnings: {
        type: 'array',
        items: {
          type: 'object',
          required: ['code', 'message'],
          additionalProperties: false,
          properties: {
            code: { enum: ['no_data', 'range_in_future'] },
            message: { type: 'string' },
          },
        },
      },
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
  Summary: {
    type: 'object',
    description: 'The on-screen view, from the same engine as the exports.',
    required: [
      'currency',
      'period',
      'has_data',
      'totals',
      'platforms',
      'channel_mix',
      'trend',
      'warnings',
    ],
    properties: {
      currency: { type: 'object', required: ['code', 'minor_units'] },
      has_data: {
        type: 'boolean',
        description:
          'False when no chosen platform has a single row in the range: every figure is zero.',
      },
      period: { type: 'object', required: ['since', 'until', 'days', 'timezone'] },
      totals: metrics,
      platforms: { type: 'array', items: { type: 'object' } },
      channel_mix: { type: 'array', items: { type: 'object' } },
      trend: { type: 'array', items: { type: 'object' } },
      previous: nullable({ type: 'object', required: ['since', 'until', 'deltas'] }),
      warnings: { type: 'array', items: { type: 'object', required: ['code', 'message'] } },
    },
  },
  Workspace: {
    type: 'object',
    additionalProperties: false,
    required: [
      'workspace_id',
      'name',
      'timezone',
      'currency',
      'currencies',
      'plan',
      'subscription',
      'quota',
      'features',
      'branding',
      'user',
    ],
    properties: {
      workspace_id: { type: 'string' },
      name: { type: 'string' },
      currencies: {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Z]{3}$' },
        description: 'The currencies a report can be made in: those with exchange rates.',
      },
      timezone: { type: 'string' },
      currency: { type: 'string' },
      plan: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'label', 'exports_per_month'],
        properties: {
          name: { type: 'string' },
          label: { type: 'string' },
          exports_per_month: { type: ['integer', 'null'] },
        },
      },
      subscription: {
        type: 'object',
        additionalProperties: false,
        required: ['status', 'active'],
        properties: { status: { type: 'string' }, active: { type: 'boolean' } },
      },
      quota: {
        type: 'object',
        additionalProperties: false,
        required: ['limit', 'used', 'remaining', 'resets_at'],
        properties: {
          limit: { type: ['integer', 'null'] },
          used: { type: 'integer' },
          remaining: { type: ['integer', 'null'] },
          resets_at: instant,
        },
      },
      features: {
        type: 'object',
        additionalProperties: false,
        required: ['custom_branding', 'scheduled_exports'],
        properties: {
          custom_branding: { type: 'boolean' },
          scheduled_exports: { type: 'integer' },
        },
      },
      branding: nullable({
        type: 'object',
        additionalProperties: false,
        required: ['primary_color', 'secondary_color'],
        properties: {
          primary_color: { type: ['string', 'null'] },
          secondary_color: { type: ['string', 'null'] },
        },
      }),
      user: {
        type: 'object',
        additionalProperties: false,
        required: ['user_id', 'role', 'can_export', 'export_blocked'],
        properties: {
          user_id: { type: 'string' },
          role: { enum: ROLES },
          can_export: { type: 'boolean' },
          export_blocked: nullable({
            type: 'object',
            additionalProperties: false,
            required: ['reason', 'message'],
            properties: { reason: { type: 'string' }, message: { type: 'string' } },
          }),
        },
      },
    },
  },
  Webhook: {
    type: 'object',
    additionalProperties: false,
    required: ['webhook_id', 'workspace_id', 'url', 'created_at', 'events'],
    properties: {
      webhook_id: { type: 'string' },
      workspace_id: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      created_at: instant,
      events: { type: 'array', items: { enum: WEBHOOK_EVENTS } },
      secret: {
        type: 'string',
        description: 'Only when created: keep it, it signs every delivery.',
      },
    },
  },
  WebhookDelivery: {
    type: 'object',
    additionalProperties: false,
    required: [
      'delivery_id',
      'webhook_id',
      'event_id',
      'event_type',
      'state',
      'attempts',
      'next_attempt_at',
      'created_at',
    ],
    properties: {
      delivery_id: { type: 'string' },
      webhook_id: { type: 'string' },
      event_id: { type: 'string' },
      event_type: { enum: WEBHOOK_EVENTS },
      state: { enum: ['pending', 'delivered', 'failed'] },
      next_attempt_at: nullable(instant),
      created_at: instant,
      attempts: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['at', 'status_code', 'latency_ms', 'error'],
          properties: {
            at: instant,
            status_code: { type: ['integer', 'null'] },
            latency_ms: { type: 'integer', minimum: 0 },
            error: { type: ['string', 'null'] },
          },
        },
      },
    },
  },
  WebhookEvent: {
    type: 'object',
    description:
      'The body of every delivery; `id` is the same on every retry, so deduplicate on it.',
    additionalProperties: false,
    required: ['id', 'type', 'created_at', 'data'],
    properties: {
      id: { type: 'string' },
      type: { enum: WEBHOOK_EVENTS },
      created_at: instant,
      data: {
        type: 'object',
        additionalProperties: false,
        required: [
          'job_id',
          'workspace_id',
          'status',
          'format',
          'file',
          'error',
          'warnings',
          'job_url',
        ],
        properties: {
          job_id: { type: 'string', format: 'uuid' },
          workspace_id: { type: 'string' },
          status: { enum: ['COMPLETED', 'FAILED'] },
          format: { enum: EXPORT_FORMATS },
          file: { $ref: '#/components/schemas/Job/properties/file' },
          error: { $ref: '#/components/schemas/Job/properties/error' },
          warnings: { $ref: '#/components/schemas/Job/properties/warnings' },
          job_url: {
            type: 'string',
            description: 'GET it (with a token) for a fresh download URL: events carry none.',
          },
        },
      },
    },
  },
  Branding: {
    type: 'object',
    additionalProperties: false,
    required: ['logo_key', 'primary_color', 'secondary_color'],
    properties: {
      logo_key: { type: ['string', 'null'] },
      primary_color: { type: ['string', 'null'], pattern: '^#[0-9A-Fa-f]{6}$' },
      secondary_color: { type: ['string', 'null'], pattern: '^#[0-9A-Fa-f]{6}$' },
    },
  },
};

const pathParameter = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
});
const JOB_ID = pathParameter('job_id');
const WEBHOOK_ID = pathParameter('webhook_id');

const gates = {
  '401': error('No token, or one that is invalid or expired.', 'unauthenticated'),
  '403': error('A gate: a viewer, or no active subscription (see `reason`).', 'insufficient_role'),
  '404': error(
    'Cross-channel analytics are disabled for the workspace, or no such job.',
    'job_not_found',
  ),
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Wevion cross-channel analytics export API',
    version: '1.0.0',
    description:
      'Export cross-channel ad analytics as CSV or branded PDF through asynchronous jobs: POST a request (202 and a job id), poll the job, download from its signed URL. Every endpoint takes a platform JWT as a bearer token.',
  },
  servers: [{ url: '/' }],
  security: [{ bearerAuth: [] }],
  paths: {
    '/api/v1/analytics/export': {
      post: {
        operationId: 'requestExport',
        summary: 'Start an export',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'Retry safely: the same key and body within 24 hours return the first job, without a second quota slot.',
            schema: { type: 'string', pattern: '^[\\x20-\\x7e]{1,255}$' },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: ref('ExportRequest'),
              example: examples.EXPORT_REQUEST_EXAMPLE,
            },
          },
        },
        responses: {
          '202': {
            ...json(
              ref('ExportAccepted'),
              'Accepted: poll the job at Location.',
              examples.EXPORT_ACCEPTED_EXAMPLE,
            ),
            headers: {
              Location: { required: true, schema: { type: 'string' } },
              'Idempotent-Replayed': {
                description: '`true` when this answers an earlier request with the same key.',
                schema: { const: 'true' },
              },
              ...quotaHeaders,
            },
          },
          '400': {
            ...error('Invalid fields, all listed in error.details.'),
            headers: quotaHeaders,
          },
          ...gates,
          '413': error('body_too_large: the JSON body is over 64 KB.'),
          '422': error('idempotency_key_reused: the key came with a different request.'),
          '429': {
            ...error('export_quota_exceeded: this month’s exports are used.'),
            headers: {
              ...quotaHeaders,
              'Retry-After': {
                required: true,
                description: 'Seconds until the quota renews.',
                schema: { type: 'string', pattern: '^\\d+$' },
              },
            },
          },
        },
      },
      get: {
        operationId: 'listExports',
        summary: 'List the workspace’s exports, newest first',
        parameters: [
          { name: 'created_from', in: 'query', schema: date },
          { name: 'created_to', in: 'query', schema: date },
          { name: 'format', in: 'query', schema: { enum: EXPORT_FORMATS } },
          { name: 'status', in: 'query', schema: { enum: JOB_STATUSES } },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': json(ref('JobPage'), 'A page of jobs.', examples.JOB_PAGE_EXAMPLE),
          '400': error('A bad filter or cursor.'),
          ...gates,
        },
      },
    },
    '/api/v1/analytics/export/{job_id}': {
      get: {
        operationId: 'getExport',
        summary: 'Read a job; a COMPLETED one carries a fresh download URL',
        parameters: [JOB_ID],
        responses: { '200': json(ref('Job'), 'The job.', examples.JOB_EXAMPLE), ...gates },
      },
    },
    '/api/v1/analytics/export/{job_id}/cancel': {
      post: {
        operationId: 'cancelExport',
        summary: 'Cancel a PENDING or RUNNING job',
        parameters: [JOB_ID],
        responses: {
          '200': json(
            ref('Job'),
            'The job, now FAILED with error.code "cancelled".',
            examples.CANCELLED_JOB_EXAMPLE,
          ),
          ...gates,
          '409': error('job_finished: the job already ended; `status` says how.'),
        },
      },
    },
    '/api/v1/analytics/summary': {
      get: {
        operationId: 'getSummary',
        summary: 'The on-screen view of a range',
        parameters: [
          { name: 'since', in: 'query', required: true, schema: date },
          { name: 'until', in: 'query', required: true, schema: date },
          {
            name: 'platforms',
            in: 'query',
            required: true,
            description: 'Comma-separated.',
            schema: { type: 'string' },
          },
          { name: 'target_currency', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'timezone', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': json(
            ref('Summary'),
            'Totals, platforms, trend and deltas.',
            examples.SUMMARY_EXAMPLE,
          ),
          '400': error('A bad field.'),
          ...gates,
          '422': error('The currency has no rates loaded.', 'currency_without_rates'),
          '502': error('The engine did not answer.', 'engine_unavailable'),
          '503': error('The engine is unavailable.', 'engine_unavailable'),
        },
      },
    },
    '/api/v1/workspaces/current': {
      get: {
        operationId: 'getWorkspace',
        summary: 'The caller’s workspace: defaults, plan, quota, features, rights',
        responses: {
          '200': json(ref('Workspace'), 'The workspace.', examples.WORKSPACE_EXAMPLE),
          ...gates,
        },
      },
    },
    '/api/v1/workspaces/current/branding': {
      get: {
        operationId: 'getBranding',
        summary: 'The workspace’s report branding',
        responses: {
          '200': json(
            {
              type: 'object',
              additionalProperties: false,
              required: ['branding', 'custom_branding'],
              properties: {
                branding: nullable(ref('Branding')),
                custom_branding: { type: 'boolean' },
              },
            },
            'The branding, and whether the plan allows it.',
            examples.BRANDING_READ_EXAMPLE,
          ),
          ...gates,
        },
      },
      put: {
        operationId: 'putBranding',
        summary: 'Set the logo and colours (admins, plans with custom branding)',
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  logo: { type: 'string', contentMediaType: 'image/png' },
                  primary_color: { type: 'string' },
                  secondary_color: { type: 'string' },
                },
              },
            },
          },
        },
        responses: {
          '200': json(
            {
              type: 'object',
              additionalProperties: false,
              required: ['branding'],
              properties: { branding: ref('Branding') },
            },
            'The branding as stored.',
            examples.BRANDING_WRITE_EXAMPLE,
          ),
          '400': error('A bad logo or colour.', 'logo_type'),
          '413': error('The logo is too large.', 'logo_too_large'),
          ...gates,
        },
      },
    },
    '/api/v1/workspaces/current/webhooks': {
      post: {
        operationId: 'createWebhook',
        summary: 'Register a completion webhook (admins; at most 5)',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['url'],
                additionalProperties: false,
                properties: { url: { type: 'string', format: 'uri', maxLength: 2048 } },
              },
              example: examples.WEBHOOK_REQUEST_EXAMPLE,
            },
          },
        },
        responses: {
          '201': json(
            ref('Webhook'),
            'Registered; the secret is in this answer only.',
            examples.WEBHOOK_CREATED_EXAMPLE,
          ),
          '400': error(
            'A URL that is not https, or points at a private address.',
            'invalid_webhook_url',
          ),
          ...gates,
          '409': error('webhook_limit_reached: the workspace already has 5 webhooks.'),
        },
      },
      get: {
        operationId: 'listWebhooks',
        summary: 'The workspace’s webhooks',
        responses: {
          '200': json(
            {
              type: 'object',
              additionalProperties: false,
              required: ['webhooks'],
              properties: { webhooks: { type: 'array', items: ref('Webhook') } },
            },
            'Without their secrets.',
            examples.WEBHOOK_LIST_EXAMPLE,
          ),
          ...gates,
        },
      },
    },
    '/api/v1/workspaces/current/webhooks/{webhook_id}': {
      delete: {
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook and its pending deliveries',
        parameters: [WEBHOOK_ID],
        responses: { '204': { description: 'Deleted.' }, ...gates },
      },
    },
    '/api/v1/workspaces/current/webhooks/{webhook_id}/rotate-secret': {
      post: {
        operationId: 'rotateWebhookSecret',
        summary: 'A new signing secret, in force at once',
        parameters: [WEBHOOK_ID],
        responses: {
          '200': json(
            {
              type: 'object',
              additionalProperties: false,
              required: ['webhook_id', 'secret'],
              properties: { webhook_id: { type: 'string' }, secret: { type: 'string' } },
            },
            'The new secret.',
            examples.SECRET_ROTATED_EXAMPLE,
          ),
          ...gates,
        },
      },
    },
    '/api/v1/workspaces/current/webhooks/{webhook_id}/deliveries': {
      get: {
        operationId: 'listWebhookDeliveries',
        summary: 'The latest deliveries to a webhook, with every attempt',
        parameters: [WEBHOOK_ID],
        responses: {
          '200': json(
            {
              type: 'object',
              additionalProperties: false,
              required: ['deliveries'],
              properties: { deliveries: { type: 'array', items: ref('WebhookDelivery') } },
            },
            'Newest first, at most 50.',
            examples.DELIVERIES_EXAMPLE,
          ),
          ...gates,
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        security: [],
        responses: { '200': json({ type: 'object', required: ['openapi'] }, 'OpenAPI 3.1.') },
      },
    },
    '/api/docs': {
      get: {
        operationId: 'getApiReference',
        summary: 'This document as a readable page (Redoc, served locally)',
        security: [],
        responses: { '200': { description: 'HTML', content: { 'text/html': {} } } },
      },
    },
  },
  webhooks: Object.fromEntries(
    WEBHOOK_EVENTS.map((type) => [
      type,
      {
        post: {
          operationId: type === 'export.completed' ? 'exportCompleted' : 'exportFailed',
          summary: `${type}: sent to your endpoint when a job ends ${type === 'export.completed' ? 'COMPLETED' : 'FAILED'}`,
          description:
            'Verify `Wevion-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the endpoint’s secret before parsing, and refuse old timestamps. Any answer but a 2xx within 10 s is retried with backoff for 24 hours.',
          security: [],
          parameters: ['Wevion-Signature', 'Wevion-Event', 'Wevion-Delivery'].map((name) => ({
            name,
            in: 'header',
            required: true,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('WebhookEvent'),
                example:
                  type === 'export.completed'
                    ? examples.WEBHOOK_EVENT_EXAMPLE
                    : examples.WEBHOOK_FAILED_EVENT_EXAMPLE,
              },
            },
          },
          responses: {
            '200': { description: 'Received (any 2xx will do); the body is not read.' },
          },
        },
      },
    ]),
  ),
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas,
  },
} as const;
