import { AppError, type Logger } from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import type { User } from './domain/user.ts';
import type { Job } from './domain/job.ts';
import {
  DELIVERY_WINDOW_MS,
  jobEndedEvent,
  MAX_WEBHOOKS_PER_WORKSPACE,
  newSecret,
  nextAttemptAt,
  signatureHeader,
  WEBHOOK_EVENTS,
  type Webhook,
  type WebhookDelivery,
} from './domain/webhook.ts';
import { hasActiveSubscription, type Workspace } from './domain/workspace.ts';
import { GateError } from './gate-error.ts';
import type { JobStore, WebhookSender, WebhookStore } from './ports.ts';

export interface WebhooksOptions {
  /** The first retry's delay; each later one doubles it, at most an hour apart. */
  retryBaseMs: number;
  /** How often the loop looks for due deliveries when nothing wakes it. */
  pollMs: number;
  /** How long a claimed delivery is kept from other rounds: more than one attempt can take. */
  leaseMs: number;
  /** Attempts in flight at once in this process (one per endpoint at most). */
  maxInFlight: number;
}

export interface WebhooksDeps {
  store: WebhookStore;
  sender: WebhookSender;
  jobs: Pick<JobStore, 'get' | 'update' | 'findUnannounced'>;
  /** The caller's workspace past the feature gate (cross-channel analytics on). */
  workspaceFor: (user: User) => Promise<Workspace>;
  logger: Logger;
  clock?: () => Date;
}

/** An endpoint as the API shows it: the secret only when it was just made. */
const view = ({ secret: _secret, ...webhook }: Webhook) => ({
  ...webhook,
  events: WEBHOOK_EVENTS,
});

const notFound = (webhookId: string) =>
  new AppError('webhook_not_found', `No webhook ${webhookId} in your workspace.`, { status: 404 });

/**
 * Completion webhooks: admins register endpoints; each job's end becomes a stored delivery per
 * endpoint, sent signed and retried with backoff for about a day by a loop that survives
 * restarts (what is due is read from the store, never held in memory).
 */
export class Webhooks {
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private running = false;
  /** A job ended during a round: run the next one at once. */
  private again = false;
  private stopped = true;
  /** The attempt in flight of each endpoint, by webhook id. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly options: WebhooksOptions,
    private readonly deps: WebhooksDeps,
  ) {
    this.now = deps.clock ?? (() => new Date());
  }

  private async admin(user: User): Promise<Workspace> {
    const workspace = await this.deps.workspaceFor(user);
    if (user.role !== 'admin')
      throw new GateError('admin_required', 'Only workspace admins can manage webhooks.');
    return workspace;
  }

  /** New endpoints need an active subscription, as exports do; existing ones keep their log. */
  async register(user: User, url: string) {
    const workspace = await this.admin(user);
    if (!hasActiveSubscription(workspace))
      throw new GateError(
        'subscription_required',
        'Webhooks need an active subscription. Check your plan at /settings/team/billing.',
      );
    await this.deps.sender.checkTarget(url);
    const webhook: Webhook = {
      webhook_id: `wh_${randomUUID()}`,
      workspace_id: workspace.workspace_id,
      url,
      secret: newSecret(),
      created_at: this.now().toISOString(),
    };
    if (!(await this.deps.store.create(webhook, MAX_WEBHOOKS_PER_WORKSPACE))) {
      throw new AppError(
        'webhook_limit_reached',
        `A workspace has at most ${MAX_WEBHOOKS_PER_WORKSPACE} webhooks; delete one first.`,
        { status: 409 },
      );
    }
    return { ...view(webhook), secret: webhook.secret };
  }

  async list(user: User) {
    const workspace = await this.admin(user);
    return { webhooks: (await this.deps.store.list(workspace.workspace_id)).map(view) };
  }

  async remove(user: User, webhookId: string): Promise<void> {
    const workspace = await this.admin(user);
    if (!(await this.deps.store.remove(workspace.workspace_id, webhookId)))
      throw notFound(webhookId);
  }

  /** A new secret at once: deliveries from now on are signed with it. */
  async rotateSecret(user: User, webhookId: string) {
    const workspace = await this.admin(user);
    const secret = newSecret();
    if (!(await this.deps.store.setSecret(workspace.workspace_id, webhookId, secret)))
      throw notFound(webhookId);
    return { webhook_id: webhookId, secret };
  }

  async deliveries(user: User, webhookId: string) {
    const workspace = await this.admin(user);
    if (!(await this.deps.store.get(workspace.workspace_id, webhookId))) throw notFound(webhookId);
    const deliveries = await this.deps.store.deliveries(workspace.workspace_id, webhookId, 50);
    return {
      deliveries: deliveries.map(({ payload: _payload, workspace_id: _ws, ...d }) => d),
    };
  }

  /**
   * A job ended: one delivery per endpoint of its workspace, due now; then the job is marked
   * announced. Safe to repeat: a delivery is stored once per endpoint and event.
   */
  async jobEnded(jobId: string): Promise<void> {
    const job = await this.deps.jobs.get(jobId);
    if (!job || (job.status !== 'COMPLETED' && job.status !== 'FAILED')) return;
    await this.storeDeliveries(job);
    await this.deps.jobs.update(jobId, { announced_at: this.now().toISOString() }, [job.status]);
  }

  /** Jobs that ended in the last day but never reached their webhooks (a crash in between). */
  async announceMissed(): Promise<number> {
    const since = new Date(this.now().getTime() - DELIVERY_WINDOW_MS).toISOString();
    const missed = await this.deps.jobs.findUnannounced(since, 100);
    for (const job of missed) await this.jobEnded(job.job_id);
    return missed.length;
  }

  private async storeDeliveries(job: Job): Promise<void> {
    const endpoints = await this.deps.store.list(job.workspace_id);
    if (!endpoints.length) return;
    const now = this.now();
    // One event id per job end: a duplicate notice of it stores no second delivery.
    const eventId = `evt_${job.job_id}_${job.status.toLowerCase()}`;
    const { type, body } = jobEndedEvent(job, eventId, now);
    const at = now.toISOString();
    await this.deps.store.addDeliveries(
      endpoints.map((endpoint): WebhookDelivery => ({
        delivery_id: randomUUID(),
        webhook_id: endpoint.webhook_id,
        workspace_id: job.workspace_id,
        event_id: eventId,
        event_type: type,
        payload: body,
        state: 'pending',
        attempts: [],
        next_attempt_at: at,
        created_at: at,
      })),
    );
    this.kick();
  }

  /**
   * Starts an attempt for every due delivery there is room for, without waiting for any: one
   * slow receiver holds its own endpoint's slot, never another's. A process sends at most one
   * delivery per endpoint at a time and `maxInFlight` in all; each is claimed in the store with
   * a lease past the sender's time limit, so no other round or process sends it meanwhile.
   */
  async deliverDue(): Promise<number> {
    const room = this.options.maxInFlight - this.inFlight.size;
    if (room <= 0) return 0;
    const now = this.now();
    const due = await this.deps.store.claimDue(
      now.toISOString(),
      new Date(now.getTime() + this.options.leaseMs).toISOString(),
      room,
      [...this.inFlight.keys()],
    );
    for (const delivery of due) {
      const attempt = this.attempt(delivery)
        .catch((error: unknown) =>
          this.deps.logger.error(
            { err: error, delivery_id: delivery.delivery_id },
            'webhook attempt failed',
          ),
        )
        .finally(() => {
          this.inFlight.delete(delivery.webhook_id);
          // A slot is free: what waited for it goes now, not at the next poll.
          this.kick();
        });
      this.inFlight.set(delivery.webhook_id, attempt);
    }
    return due.length;
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const endpoint = await this.deps.store.get(delivery.workspace_id, delivery.webhook_id);
    if (!endpoint) return;
    const started = this.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await this.deps.sender.send(endpoint.url, delivery.payload, {
        'Wevion-Signature': signatureHeader(endpoint.secret, delivery.payload, started),
        'Wevion-Event': delivery.event_type,
        'Wevion-Delivery': delivery.delivery_id,
      });
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
    } catch (failure) {
      error = (failure as Error).name === 'TimeoutError' ? 'timed out' : (failure as Error).message;
    }
    const ended = this.now();
    const attempts = delivery.attempts.length + 1;
    const next =
      error === null
        ? { state: 'delivered' as const, next_attempt_at: null }
        : (() => {
            const at = nextAttemptAt(
              attempts,
              delivery.created_at,
              ended,
              this.options.retryBaseMs,
            );
            return at
              ? { state: 'pending' as const, next_attempt_at: at }
              : { state: 'failed' as const, next_attempt_at: null };
          })();
    await this.deps.store.recordAttempt(
      delivery.delivery_id,
      {
        at: started.toISOString(),
        status_code: statusCode,
        latency_ms: ended.getTime() - started.getTime(),
        error,
      },
      next,
    );
    this.deps.logger.info(
      {
        delivery_id: delivery.delivery_id,
        webhook_id: endpoint.webhook_id,
        attempts,
        error,
        state: next.state,
      },
      'webhook delivery attempted',
    );
  }

  /** Runs a round now instead of at the next tick (a job just ended); never two at once. */
  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.tick, 0);
  }

  private readonly tick = () => {
    this.timer = null;
    this.running = true;
    this.round = this.deliverDue()
      .then(
        () => undefined,
        (error: unknown) => this.deps.logger.error({ err: error }, 'webhook round failed'),
      )
      .finally(() => {
        this.running = false;
        if (this.stopped) return;
        this.timer = setTimeout(this.tick, this.again ? 0 : this.options.pollMs);
        this.again = false;
      });
  };

  start(): void {
    this.stopped = false;
    this.timer = setTimeout(this.tick, 0);
  }

  /** Stops the loop and waits for the round and every attempt in flight (each has a time limit). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
    await Promise.all(this.inFlight.values());
  }
}
