import {
  firstPerEndpoint,
  type DeliveryAttempt,
  type Webhook,
  type WebhookDelivery,
} from '../../src/domain/webhook.ts';
import type { WebhookStore } from '../../src/ports.ts';

const copy = <T>(value: T): T => structuredClone(value);

/** A WebhookStore in Maps, for unit tests; the webhook-store contract suite runs against it too. */
export class InMemoryWebhookStore implements WebhookStore {
  private readonly webhooks = new Map<string, Webhook>();
  private readonly stored = new Map<string, WebhookDelivery>();

  async create(webhook: Webhook, max: number): Promise<boolean> {
    if ((await this.list(webhook.workspace_id)).length >= max) return false;
    this.webhooks.set(webhook.webhook_id, copy(webhook));
    return true;
  }

  async list(workspaceId: string): Promise<Webhook[]> {
    return [...this.webhooks.values()]
      .filter((w) => w.workspace_id === workspaceId)
      .sort(
        (a, b) =>
          a.created_at.localeCompare(b.created_at) || a.webhook_id.localeCompare(b.webhook_id),
      )
      .map(copy);
  }

  async get(workspaceId: string, webhookId: string): Promise<Webhook | null> {
    const webhook = this.webhooks.get(webhookId);
    return webhook?.workspace_id === workspaceId ? copy(webhook) : null;
  }

  async remove(workspaceId: string, webhookId: string): Promise<boolean> {
    if (!(await this.get(workspaceId, webhookId))) return false;
    this.webhooks.delete(webhookId);
    for (const [id, d] of this.stored) if (d.webhook_id === webhookId) this.stored.delete(id);
    return true;
  }

  async setSecret(workspaceId: string, webhookId: string, secret: string): Promise<boolean> {
    const webhook = this.webhooks.get(webhookId);
    if (webhook?.workspace_id !== workspaceId) return false;
    webhook.secret = secret;
    return true;
  }

  async addDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void> {
    for (const d of deliveries) {
      const duplicate = [...this.stored.values()].some(
        (s) => s.webhook_id === d.webhook_id && s.event_id === d.event_id,
      );
      if (!duplicate) this.stored.set(d.delivery_id, copy(d));
    }
  }

  async claimDue(
    now: string,
    leaseUntil: string,
    limit: number,
    busyWebhooks: readonly string[],
  ): Promise<WebhookDelivery[]> {
    const due = [...this.stored.values()]
      .filter(
        (d) =>
          d.state === 'pending' &&
          d.next_attempt_at !== null &&
          d.next_attempt_at <= now &&
          !busyWebhooks.includes(d.webhook_id),
      )
      .sort((a, b) => a.next_attempt_at!.localeCompare(b.next_attempt_at!));
    const claimed = firstPerEndpoint(due, limit);
    for (const d of claimed) d.next_attempt_at = leaseUntil;
    return claimed.map(copy);
  }

  async recordAttempt(
    deliveryId: string,
    attempt: DeliveryAttempt,
    next: { state: WebhookDelivery['state']; next_attempt_at: string | null },
  ): Promise<void> {
    const delivery = this.stored.get(deliveryId);
    if (!delivery) return;
    delivery.attempts.push(copy(attempt));
    delivery.state = next.state;
    delivery.next_attempt_at = next.next_attempt_at;
  }

  async deliveries(workspaceId: string, webhookId: string, limit: number) {
    return [...this.stored.values()]
      .filter((d) => d.workspace_id === workspaceId && d.webhook_id === webhookId)
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .slice(0, limit)
      .map(copy);
  }
}
