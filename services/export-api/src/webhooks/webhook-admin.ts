import { AppError } from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import type { User } from '../domain/user.ts';
import {
  MAX_WEBHOOKS_PER_WORKSPACE,
  newSecret,
  WEBHOOK_EVENTS,
  type Webhook,
} from '../domain/webhook.ts';
import { hasActiveSubscription, type Workspace } from '../domain/workspace.ts';
import { GateError } from '../gate-error.ts';
import type { WebhookSender, WebhookStore } from '../ports.ts';
import type { WorkspaceAccess } from '../workspace-access.ts';

export interface WebhookAdminDeps {
  store: WebhookStore;
  sender: Pick<WebhookSender, 'checkTarget'>;
  access: Pick<WorkspaceAccess, 'crossChannel'>;
  clock?: () => Date;
}

/** An endpoint as the API shows it: the secret only when it was just made. */
const view = ({ secret: _secret, ...webhook }: Webhook) => ({
  ...webhook,
  events: WEBHOOK_EVENTS,
});

const notFound = (webhookId: string) =>
  new AppError('webhook_not_found', `No webhook ${webhookId} in your workspace.`, { status: 404 });

/** What workspace admins do with their endpoints: register, list, remove, rotate, read the log. */
export class WebhookAdmin {
  private readonly now: () => Date;

  constructor(private readonly deps: WebhookAdminDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  private async admin(user: User): Promise<Workspace> {
    const workspace = await this.deps.access.crossChannel(user);
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
}
