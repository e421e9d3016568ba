import { EXPORT_FORMATS, PLAN_NAMES, ROLES, SUBSCRIPTION_STATUSES } from '@wevion/shared';
import { DELIVERY_STATES, WEBHOOK_EVENTS } from '../../domain/webhook.ts';
import { instant, nullable } from './building-blocks.ts';

/** The workspace, its branding, its webhooks and what they deliver. */
export const workspaceSchemas = {
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
          name: { enum: PLAN_NAMES },
          label: { type: 'string' },
          exports_per_month: { type: ['integer', 'null'] },
        },
      },
      subscription: {
        type: 'object',
        additionalProperties: false,
        required: ['status', 'active'],
        properties: { status: { enum: SUBSCRIPTION_STATUSES }, active: { type: 'boolean' } },
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
      state: { enum: DELIVERY_STATES },
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
      type: { enum: WEBHOOK_EVENTS.filter((e) => e.startsWith('export.')) },
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
  ScheduleWebhookEvent: {
    type: 'object',
    description:
      'The body of schedule.run_failed and schedule.paused; `id` is the same on every retry.',
    additionalProperties: false,
    required: ['id', 'type', 'created_at', 'data'],
    properties: {
      id: { type: 'string' },
      type: { enum: WEBHOOK_EVENTS.filter((e) => e.startsWith('schedule.')) },
      created_at: instant,
      data: {
        type: 'object',
        additionalProperties: false,
        required: [
          'schedule_id',
          'workspace_id',
          'name',
          'status',
          'paused_reason',
          'run',
          'schedule_url',
        ],
        properties: {
          schedule_id: { type: 'string' },
          workspace_id: { type: 'string' },
          name: { type: 'string' },
          status: { $ref: '#/components/schemas/Schedule/properties/status' },
          paused_reason: { $ref: '#/components/schemas/Schedule/properties/paused_reason' },
          run: {
            description: 'The failed run (schedule.run_failed); null on schedule.paused.',
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                required: ['scheduled_for', 'job_id', 'error'],
                properties: {
                  scheduled_for: instant,
                  job_id: { type: ['string', 'null'] },
                  error: { $ref: '#/components/schemas/Job/properties/error' },
                },
              },
              { type: 'null' },
            ],
          },
          schedule_url: { type: 'string' },
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
