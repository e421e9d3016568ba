import { Schema, type Connection } from 'mongoose';
import {
  DELIVERY_STATES,
  firstPerEndpoint,
  type DeliveryAttempt,
  type Webhook,
  type WebhookDelivery,
} from '../domain/webhook.ts';
import type { WebhookStore } from '../ports.ts';

const webhookSchema = new Schema(
  {
    _id: String,
    workspace_id: { type: String, required: true },
    url: String,
    secret: String,
    created_at: String,
  },
  { collection: 'webhooks', versionKey: false },
);
webhookSchema.index({ workspace_id: 1, created_at: 1 });

const deliverySchema = new Schema(
  {
    _id: String,
    webhook_id: { type: String, required: true },
    workspace_id: String,
    event_id: String,
    event_type: String,
    payload: String,
    state: { type: String, enum: DELIVERY_STATES, required: true },
    attempts: Schema.Types.Mixed,
    next_attempt_at: String,
    created_at: String,
  },
  { collection: 'webhook_deliveries', versionKey: false, minimize: false },
);
// One delivery per endpoint and event: a duplicate notice of a job's end is ignored.
deliverySchema.index({ webhook_id: 1, event_id: 1 }, { unique: true });
deliverySchema.index({ state: 1, next_attempt_at: 1 });
deliverySchema.index({ webhook_id: 1, created_at: -1 });

type WebhookDocument = Omit<Webhook, 'webhook_id'> & { _id: string };
type DeliveryDocument = Omit<WebhookDelivery, 'delivery_id'> & { _id: string };
const toWebhook = ({ _id, ...rest }: WebhookDocument): Webhook => ({ webhook_id: _id, ...rest });
const toDelivery = ({ _id, ...rest }: DeliveryDocument): WebhookDelivery => ({
  delivery_id: _id,
  ...rest,
});

/** Webhooks and deliveries in MongoDB (production), beside the jobs. */
export class MongoWebhookStore implements WebhookStore {
  private readonly webhooks;
  private readonly deliveriesOf;

  constructor(connection: Connection) {
    this.webhooks = connection.model('Webhook', webhookSchema);
    this.deliveriesOf = connection.model('WebhookDelivery', deliverySchema);
  }

  async syncIndexes(): Promise<void> {
    await Promise.all([this.webhooks.syncIndexes(), this.deliveriesOf.syncIndexes()]);
  }

  /**
   * Count, insert, then count again: of racing creates past the limit, the later ones remove
   * themselves (no multi-document transaction needed).
   */
  async create(webhook: Webhook, max: number): Promise<boolean> {
    if ((await this.webhooks.countDocuments({ workspace_id: webhook.workspace_id })) >= max)
      return false;
    const { webhook_id, ...rest } = webhook;
    await this.webhooks.create({ _id: webhook_id, ...rest });
    const first = await this.webhooks
      .find({ workspace_id: webhook.workspace_id })
      .sort({ created_at: 1, _id: 1 })
      .limit(max)
      .lean<WebhookDocument[]>();
    if (first.some((w) => w._id === webhook_id)) return true;
    await this.webhooks.deleteOne({ _id: webhook_id });
    return false;
  }

  async list(workspaceId: string): Promise<Webhook[]> {
    const docs = await this.webhooks
      .find({ workspace_id: workspaceId })
      .sort({ created_at: 1, _id: 1 })
      .lean<WebhookDocument[]>();
    return docs.map(toWebhook);
  }

  async get(workspaceId: string, webhookId: string): Promise<Webhook | null> {
    const doc = await this.webhooks
      .findOne({ _id: webhookId, workspace_id: workspaceId })
      .lean<WebhookDocument>();
    return doc ? toWebhook(doc) : null;
  }

  async remove(workspaceId: string, webhookId: string): Promise<boolean> {
    const { deletedCount } = await this.webhooks.deleteOne({
      _id: webhookId,
      workspace_id: workspaceId,
    });
    if (deletedCount) await this.deliveriesOf.deleteMany({ webhook_id: webhookId });
    return deletedCount === 1;
  }

  async setSecret(workspaceId: string, webhookId: string, secret: string): Promise<boolean> {
    const { matchedCount } = await this.webhooks.updateOne(
      { _id: webhookId, workspace_id: workspaceId },
      { $set: { secret } },
    );
    return matchedCount === 1;
  }

  async addDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void> {
    if (!deliveries.length) return;
    try {
      await this.deliveriesOf.insertMany(
        deliveries.map(({ delivery_id, ...rest }) => ({ _id: delivery_id, ...rest })),
        { ordered: false },
      );
    } catch (error) {
      // Duplicates (E11000) are the deliveries already stored; anything else is a failure.
      const errors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
      if (!errors?.every((e) => e.code === 11000)) throw error;
    }
  }

  /** Candidates first, then a compare-and-set on each: of two processes, one wins a delivery. */
  async claimDue(
    now: string,
    leaseUntil: string,
    limit: number,
    busyWebhooks: readonly string[],
  ): Promise<WebhookDelivery[]> {
    const candidates = await this.deliveriesOf
      .find({
        state: 'pending',
        next_attempt_at: { $lte: now },
        webhook_id: { $nin: busyWebhooks },
      })
      .sort({ next_attempt_at: 1 })
      .limit(limit * 5)
      .lean<DeliveryDocument[]>();
    const claimed: WebhookDelivery[] = [];
    for (const doc of firstPerEndpoint(candidates)) {
      if (claimed.length === limit) break;
      const won = await this.deliveriesOf
        .findOneAndUpdate(
          { _id: doc._id, state: 'pending', next_attempt_at: doc.next_attempt_at },
          { $set: { next_attempt_at: leaseUntil } },
          { returnDocument: 'after' },
        )
        .lean<DeliveryDocument>();
      if (won) claimed.push(toDelivery(won));
    }
    return claimed;
  }

  async recordAttempt(
    deliveryId: string,
    attempt: DeliveryAttempt,
    next: { state: WebhookDelivery['state']; next_attempt_at: string | null },
  ): Promise<void> {
    await this.deliveriesOf.updateOne(
      { _id: deliveryId },
      { $push: { attempts: attempt }, $set: next },
    );
  }

  async deliveries(workspaceId: string, webhookId: string, limit: number) {
    const docs = await this.deliveriesOf
      .find({ workspace_id: workspaceId, webhook_id: webhookId })
      .sort({ created_at: -1 })
      .limit(limit)
      .lean<DeliveryDocument[]>();
    return docs.map(toDelivery);
  }
}
