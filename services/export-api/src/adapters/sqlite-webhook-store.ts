import type Database from 'better-sqlite3';
import {
  firstPerEndpoint,
  type DeliveryAttempt,
  type Webhook,
  type WebhookDelivery,
} from '../domain/webhook.ts';
import type { WebhookStore } from '../ports.ts';

type DeliveryRow = Omit<WebhookDelivery, 'attempts'> & { attempts: string };
const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  ...row,
  attempts: JSON.parse(row.attempts) as DeliveryAttempt[],
});

/** Webhooks and their deliveries in the embedded SQLite file, beside the jobs. */
export class SqliteWebhookStore implements WebhookStore {
  private readonly insertWithinLimit;
  private readonly claim;

  constructor(private readonly db: Database.Database) {
    const count = db.prepare('SELECT COUNT(*) AS n FROM webhooks WHERE workspace_id = ?');
    const insert = db.prepare(
      'INSERT INTO webhooks (webhook_id, workspace_id, url, secret, created_at) VALUES (@webhook_id, @workspace_id, @url, @secret, @created_at)',
    );
    this.insertWithinLimit = db.transaction((webhook: Webhook, max: number) => {
      if ((count.get(webhook.workspace_id) as { n: number }).n >= max) return false;
      insert.run(webhook);
      return true;
    });
    const due = db.prepare(
      `SELECT * FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ?
       AND webhook_id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at LIMIT ?`,
    );
    const lease = db.prepare(
      'UPDATE webhook_deliveries SET next_attempt_at = ? WHERE delivery_id = ?',
    );
    // One transaction: another export-api process on this file cannot claim the same rows.
    this.claim = db.transaction(
      (now: string, leaseUntil: string, limit: number, busy: string): WebhookDelivery[] => {
        // Enough rows to find `limit` endpoints when some have several deliveries due.
        const rows = due.all(now, busy, limit * 5) as DeliveryRow[];
        const claimed = firstPerEndpoint(rows, limit);
        for (const row of claimed) lease.run(leaseUntil, row.delivery_id);
        return claimed.map((row) => toDelivery({ ...row, next_attempt_at: leaseUntil }));
      },
    );
  }

  async create(webhook: Webhook, max: number): Promise<boolean> {
    return this.insertWithinLimit.immediate(webhook, max);
  }

  async list(workspaceId: string): Promise<Webhook[]> {
    return this.db
      .prepare('SELECT * FROM webhooks WHERE workspace_id = ? ORDER BY created_at, webhook_id')
      .all(workspaceId) as Webhook[];
  }

  async get(workspaceId: string, webhookId: string): Promise<Webhook | null> {
    return (
      (this.db
        .prepare('SELECT * FROM webhooks WHERE workspace_id = ? AND webhook_id = ?')
        .get(workspaceId, webhookId) as Webhook | undefined) ?? null
    );
  }

  async remove(workspaceId: string, webhookId: string): Promise<boolean> {
    return this.db.transaction(() => {
      const removed = this.db
        .prepare('DELETE FROM webhooks WHERE workspace_id = ? AND webhook_id = ?')
        .run(workspaceId, webhookId).changes;
      if (removed)
        this.db.prepare('DELETE FROM webhook_deliveries WHERE webhook_id = ?').run(webhookId);
      return removed === 1;
    })();
  }

  async setSecret(workspaceId: string, webhookId: string, secret: string): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE webhooks SET secret = ? WHERE workspace_id = ? AND webhook_id = ?')
        .run(secret, workspaceId, webhookId).changes === 1
    );
  }

  async addDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void> {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO webhook_deliveries (delivery_id, webhook_id, workspace_id, event_id, event_type, payload, state, attempts, next_attempt_at, created_at)
       VALUES (@delivery_id, @webhook_id, @workspace_id, @event_id, @event_type, @payload, @state, @attempts, @next_attempt_at, @created_at)`,
    );
    this.db.transaction(() => {
      for (const d of deliveries) insert.run({ ...d, attempts: JSON.stringify(d.attempts) });
    })();
  }

  async claimDue(
    now: string,
    leaseUntil: string,
    limit: number,
    busyWebhooks: readonly string[],
  ): Promise<WebhookDelivery[]> {
    return this.claim.immediate(now, leaseUntil, limit, JSON.stringify(busyWebhooks));
  }

  async recordAttempt(
    deliveryId: string,
    attempt: DeliveryAttempt,
    next: { state: WebhookDelivery['state']; next_attempt_at: string | null },
  ): Promise<void> {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = json_insert(attempts, '$[#]', json(?)),
         state = ?, next_attempt_at = ? WHERE delivery_id = ?`,
      )
      .run(JSON.stringify(attempt), next.state, next.next_attempt_at, deliveryId);
  }

  async deliveries(workspaceId: string, webhookId: string, limit: number) {
    const rows = this.db
      .prepare(
        `SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND webhook_id = ?
         ORDER BY created_at DESC LIMIT ?`,
      )
      .all(workspaceId, webhookId, limit) as DeliveryRow[];
    return rows.map(toDelivery);
  }
}
