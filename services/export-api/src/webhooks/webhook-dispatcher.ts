import type { Logger } from '@wevion/shared';
import { nextAttemptAt, signatureHeader, type WebhookDelivery } from '../domain/webhook.ts';
import type { WebhookSender, WebhookStore } from '../ports.ts';

export interface WebhookDispatcherOptions {
  /** The first retry's delay; each later one doubles it, at most an hour apart. */
  retryBaseMs: number;
  /** How often the loop looks for due deliveries when nothing wakes it. */
  pollMs: number;
  /** How long a claimed delivery is kept from other rounds: more than one attempt can take. */
  leaseMs: number;
  /** Attempts in flight at once in this process (one per endpoint at most). */
  maxInFlight: number;
}

export interface WebhookDispatcherDeps {
  store: WebhookStore;
  sender: Pick<WebhookSender, 'send'>;
  logger: Logger;
  clock?: () => Date;
}

/**
 * Sends due deliveries, signed, and retries them with backoff for about a day, from a loop that
 * survives restarts: each attempt is claimed in the store with a lease, so no other round or
 * process sends it meanwhile.
 */
export class WebhookDispatcher {
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private running = false;
  /** Deliveries were stored during a round: run the next one at once. */
  private again = false;
  private stopped = true;
  /** The attempt in flight of each endpoint, by webhook id. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly options: WebhookDispatcherOptions,
    private readonly deps: WebhookDispatcherDeps,
  ) {
    this.now = deps.clock ?? (() => new Date());
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
          this.wake();
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

  /** Runs a round now instead of at the next tick (deliveries were stored); never two at once. */
  wake(): void {
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
