import { EXPORT_FORMATS, JOB_STATUSES } from '@wevion/shared';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../domain/webhook.ts';
import {
  date,
  error,
  gates,
  JOB_ID,
  json,
  nullable,
  quotaHeaders,
  ref,
  REQUEST_TIMEOUT,
  WEBHOOK_ID,
} from './building-blocks.ts';
import * as examples from './examples.ts';
import { schedulePaths } from './schedule-paths.ts';

/** The operations, by path; each answer's body refers to a named schema. */
export const paths = {
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
  ...schedulePaths,
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
      responses: {
        '200': json(
          { type: 'object', required: ['openapi'], properties: { openapi: { const: '3.1.0' } } },
          'OpenAPI 3.1.',
        ),
        '408': REQUEST_TIMEOUT,
      },
    },
  },
  '/api/docs': {
    get: {
      operationId: 'getApiReference',
      summary: 'This document as a readable page (Redoc, served locally)',
      security: [],
      responses: {
        '200': { description: 'HTML', content: { 'text/html': {} } },
        '408': REQUEST_TIMEOUT,
      },
    },
  },
};

/** What each event is, its body's schema and an example. */
const WEBHOOK_EVENT_DOCS: Record<
  WebhookEventType,
  { operationId: string; when: string; schema: string; example: unknown }
> = {
  'export.completed': {
    operationId: 'exportCompleted',
    when: 'a job ends COMPLETED',
    schema: 'WebhookEvent',
    example: examples.WEBHOOK_EVENT_EXAMPLE,
  },
  'export.failed': {
    operationId: 'exportFailed',
    when: 'a job ends FAILED',
    schema: 'WebhookEvent',
    example: examples.WEBHOOK_FAILED_EVENT_EXAMPLE,
  },
  'schedule.run_failed': {
    operationId: 'scheduleRunFailed',
    when: 'a scheduled run’s job fails after a success (once per streak of failures, not per run)',
    schema: 'ScheduleWebhookEvent',
    example: examples.SCHEDULE_RUN_FAILED_EVENT_EXAMPLE,
  },
  'schedule.paused': {
    operationId: 'schedulePaused',
    when: 'a schedule pauses, by hand or by itself (3 failed runs in a row, an ended subscription, the feature switched off, a downgrade), with the reason',
    schema: 'ScheduleWebhookEvent',
    example: examples.SCHEDULE_PAUSED_EVENT_EXAMPLE,
  },
};

export const webhooks = Object.fromEntries(
  WEBHOOK_EVENTS.map((type) => [
    type,
    {
      post: {
        operationId: WEBHOOK_EVENT_DOCS[type].operationId,
        summary: `${type}: sent to your endpoint when ${WEBHOOK_EVENT_DOCS[type].when}`,
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
              schema: ref(WEBHOOK_EVENT_DOCS[type].schema),
              example: WEBHOOK_EVENT_DOCS[type].example,
            },
          },
        },
        responses: {
          '200': { description: 'Received (any 2xx will do); the body is not read.' },
        },
      },
    },
  ]),
);
