import { createHmac, randomBytes } from 'node:crypto';
import { publicFile, type Job } from './job.ts';
import type { Schedule } from './schedule.ts';

/** Endpoints a workspace may register. */
export const MAX_WEBHOOKS_PER_WORKSPACE = 5;
/** How long a delivery keeps being retried (Stripe's window, about a day). */
export const DELIVERY_WINDOW_MS = 24 * 3_600_000;
/** The longest wait between two attempts. */
const MAX_RETRY_DELAY_MS = 3_600_000;

export const WEBHOOK_EVENTS = [
  'export.completed',
  'export.failed',
  'schedule.run_failed',
  'schedule.paused',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  webhook_id: string;
  workspace_id: string;
  url: string;
  /** Signs every delivery; shown once, at creation and on rotation. */
  secret: string;
  created_at: string;
}

export interface DeliveryAttempt {
  at: string;
  /** The receiver's HTTP status, or null when it could not be reached. */
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

/** A delivery waits and is retried (`pending`), or has ended one way or the other. */
export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One event for one endpoint, retried until a 2xx or the end of its window. */
export interface WebhookDelivery {
  delivery_id: string;
  webhook_id: string;
  workspace_id: string;
  /** The event's id: the same for every endpoint it goes to, and for every retry. */
  event_id: string;
  event_type: WebhookEventType;
  payload: string;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
  next_attempt_at: string | null;
  created_at: string;
}

/**
 * Of due deliveries, oldest first, the first of each endpoint (at most `limit`): an endpoint is
 * sent one delivery at a time, so a slow one holds only its own slot.
 */
export function firstPerEndpoint<T extends { webhook_id: string }>(
  due: readonly T[],
  limit = Infinity,
): T[] {
  const first = new Map<string, T>();
  for (const delivery of due) {
    if (first.size === limit) break;
    if (!first.has(delivery.webhook_id)) first.set(delivery.webhook_id, delivery);
  }
  return [...first.values()];
}

export const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/**
 * `Wevion-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the time is signed
 * with the body, so a captured delivery cannot be replayed later as a fresh one.
 */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * When to try again after `attempts` failed tries: doubling from `baseMs`, at most an hour
 * apart, until the delivery is a day old; then null (given up).
 */
export function nextAttemptAt(
  attempts: number,
  createdAt: string,
  now: Date,
  baseMs: number,
): string | null {
  const delay = Math.min(baseMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
  const next = now.getTime() + delay;
  return next - Date.parse(createdAt) > DELIVERY_WINDOW_MS ? null : new Date(next).toISOString();
}

/**
 * The event a job's end sends: what a receiver needs to act, never a download URL (it would
 * outlive its TTL in a retry queue): the receiver fetches the job for a fresh one.
 */
export function jobEndedEvent(job: Job, eventId: string, at: Date) {
  const type: WebhookEventType = job.status === 'COMPLETED' ? 'export.completed' : 'export.failed';
  return {
    type,
    body: JSON.stringify({
      id: eventId,
      type,
      created_at: at.toISOString(),
      data: {
        job_id: job.job_id,
        workspace_id: job.workspace_id,
        status: job.status,
        format: job.format,
        file: publicFile(job),
        error: job.error,
        warnings: job.warnings,
        job_url: `/api/v1/analytics/export/${job.job_id}`,
      },
    }),
  };
}

/** An event about a schedule, as its webhooks receive it: enough to find it and act. */
export function scheduleEvent(
  type: Extract<WebhookEventType, `schedule.${string}`>,
  eventId: string,
  schedule: Schedule,
  run: { scheduled_for: string; job_id: string | null; error: Job['error'] } | null,
  at: Date,
): string {
  return JSON.stringify({
    id: eventId,
    type,
    created_at: at.toISOString(),
    data: {
      schedule_id: schedule.schedule_id,
      workspace_id: schedule.workspace_id,
      name: schedule.name,
      status: schedule.status,
      paused_reason: schedule.paused_reason,
      run,
      schedule_url: `/api/v1/analytics/schedules/${schedule.schedule_id}`,
    },
  });
}
