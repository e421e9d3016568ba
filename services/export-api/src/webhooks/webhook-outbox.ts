import { randomUUID } from 'node:crypto';
import type { Job } from '../domain/job.ts';
import {
  DELIVERY_WINDOW_MS,
  jobEndedEvent,
  type WebhookDelivery,
  type WebhookEventType,
} from '../domain/webhook.ts';
import type { JobStore, WebhookStore } from '../ports.ts';

export interface WebhookOutboxDeps {
  store: WebhookStore;
  jobs: Pick<JobStore, 'get' | 'update' | 'findUnannounced'>;
  /** Told when deliveries were stored, so they go out now rather than at the next poll. */
  onStored?: () => void;
  clock?: () => Date;
}

/**
 * Turns each job's end into stored deliveries, one per endpoint of its workspace: what is due
 * is read from the store by the dispatcher, so nothing is held only in memory.
 */
export class WebhookOutbox {
  private readonly now: () => Date;

  constructor(private readonly deps: WebhookOutboxDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  /**
   * A job ended: one delivery per endpoint of its workspace, due now; then the job is marked
   * announced. Safe to repeat: a delivery is stored once per endpoint and event.
   */
  async jobEnded(jobId: string): Promise<void> {
    const job = await this.deps.jobs.get(jobId);
    if (!job || (job.status !== 'COMPLETED' && job.status !== 'FAILED')) return;
    await this.storeJobEnd(job);
    await this.deps.jobs.update(jobId, { announced_at: this.now().toISOString() }, [job.status]);
  }

  /** Jobs that ended in the last day but never reached their webhooks (a crash in between). */
  async announceMissed(): Promise<number> {
    const since = new Date(this.now().getTime() - DELIVERY_WINDOW_MS).toISOString();
    const missed = await this.deps.jobs.findUnannounced(since, 100);
    for (const job of missed) await this.jobEnded(job.job_id);
    return missed.length;
  }

  /**
   * An event about a schedule (a failure streak began, it paused itself): one delivery per
   * endpoint. `eventId` names the occurrence, so telling it twice stores it once.
   */
  async scheduleEvent(
    workspaceId: string,
    eventId: string,
    type: WebhookEventType,
    body: string,
  ): Promise<void> {
    await this.storeDeliveries(workspaceId, eventId, type, body);
  }

  private async storeJobEnd(job: Job): Promise<void> {
    // One event id per job end: a duplicate notice of it stores no second delivery.
    const eventId = `evt_${job.job_id}_${job.status.toLowerCase()}`;
    const { type, body } = jobEndedEvent(job, eventId, this.now());
    await this.storeDeliveries(job.workspace_id, eventId, type, body);
  }

  private async storeDeliveries(
    workspaceId: string,
    eventId: string,
    type: WebhookEventType,
    body: string,
  ): Promise<void> {
    const endpoints = await this.deps.store.list(workspaceId);
    if (!endpoints.length) return;
    const at = this.now().toISOString();
    await this.deps.store.addDeliveries(
      endpoints.map((endpoint): WebhookDelivery => ({
        delivery_id: randomUUID(),
        webhook_id: endpoint.webhook_id,
        workspace_id: workspaceId,
        event_id: eventId,
        event_type: type,
        payload: body,
        state: 'pending',
        attempts: [],
        next_attempt_at: at,
        created_at: at,
      })),
    );
    this.deps.onStored?.();
  }
}
