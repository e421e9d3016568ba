import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Webhook, WebhookDelivery } from '../src/domain/webhook.ts';
import type { WebhookStore } from '../src/ports.ts';

/** What every webhook store must do; SQLite and the in-memory fake always, MongoDB with MONGODB_URI. */
export function webhookStoreContract(open: () => Promise<WebhookStore>): void {
  let store: WebhookStore;
  before(async () => (store = await open()));

  const at = (seconds: number) => new Date(Date.UTC(2031, 0, 1, 12, 0, seconds)).toISOString();
  const endpoint = (workspace: string, created = at(0)): Webhook => ({
    webhook_id: `wh_${randomUUID()}`,
    workspace_id: workspace,
    url: 'https://hooks.example.com/in',
    secret: 'whsec_a',
    created_at: created,
  });
  const delivery = (webhook: Webhook, due: string, eventId = `evt_${randomUUID()}`) =>
    ({
      delivery_id: randomUUID(),
      webhook_id: webhook.webhook_id,
      workspace_id: webhook.workspace_id,
      event_id: eventId,
      event_type: 'export.completed',
      payload: '{}',
      state: 'pending',
      attempts: [],
      next_attempt_at: due,
      created_at: due,
    }) satisfies WebhookDelivery;

  it('when endpoints are created, then at most `max` per workspace, listed oldest first, each workspace its own', async () => {
    const ws = `ws_${randomUUID()}`;
    const [a, b, c] = [endpoint(ws, at(2)), endpoint(ws, at(1)), endpoint(ws, at(3))];
    assert.equal(await store.create(a, 2), true);
    assert.equal(await store.create(b, 2), true);
    assert.equal(await store.create(c, 2), false, 'the third is refused');
    assert.deepEqual(
      (await store.list(ws)).map((w) => w.webhook_id),
      [b.webhook_id, a.webhook_id],
    );
    assert.deepEqual(await store.get(ws, a.webhook_id), a);
    assert.equal(await store.get('ws_other', a.webhook_id), null, 'another workspace sees nothing');
  });

  it('when a secret is set or an endpoint removed, then only in its own workspace, deliveries going with it', async () => {
    const ws = `ws_${randomUUID()}`;
    const hook = endpoint(ws);
    await store.create(hook, 5);
    assert.equal(await store.setSecret('ws_other', hook.webhook_id, 'x'), false);
    assert.equal(await store.setSecret(ws, hook.webhook_id, 'whsec_b'), true);
    assert.equal((await store.get(ws, hook.webhook_id))!.secret, 'whsec_b');
    await store.addDeliveries([delivery(hook, at(0))]);
    assert.equal(await store.remove('ws_other', hook.webhook_id), false);
    assert.equal(await store.remove(ws, hook.webhook_id), true);
    assert.equal(await store.get(ws, hook.webhook_id), null);
    assert.deepEqual(await store.deliveries(ws, hook.webhook_id, 10), []);
  });

  it('when one event is stored twice for an endpoint, then it is one delivery', async () => {
    const ws = `ws_${randomUUID()}`;
    const hook = endpoint(ws);
    await store.create(hook, 5);
    await store.addDeliveries([delivery(hook, at(0), 'evt_same')]);
    await store.addDeliveries([delivery(hook, at(1), 'evt_same')]);
    assert.equal((await store.deliveries(ws, hook.webhook_id, 10)).length, 1);
  });

  it('when due deliveries are claimed, then one per endpoint, none of the busy ones, leased past now', async () => {
    const ws = `ws_${randomUUID()}`;
    const [one, two, busy] = [endpoint(ws), endpoint(ws), endpoint(ws)];
    for (const hook of [one, two, busy]) await store.create(hook, 5);
    const first = delivery(one, at(1));
    await store.addDeliveries([
      first,
      delivery(one, at(2)),
      delivery(two, at(3)),
      delivery(busy, at(1)),
      delivery(two, at(50)),
    ]);
    const claimed = await store.claimDue(at(10), at(40), 10, [busy.webhook_id]);
    const mine = claimed.filter((d) => d.workspace_id === ws);
    assert.deepEqual(
      mine.map((d) => d.webhook_id).sort(),
      [one.webhook_id, two.webhook_id].sort(),
      'one each, the busy endpoint left out, the one due later not yet',
    );
    assert.ok(
      mine.some((d) => d.delivery_id === first.delivery_id),
      'the oldest due goes first',
    );
    assert.ok(
      mine.every((d) => d.next_attempt_at === at(40)),
      'leased',
    );
    const again = (await store.claimDue(at(10), at(40), 10, [busy.webhook_id])).filter(
      (d) => d.workspace_id === ws,
    );
    assert.deepEqual(
      again.map((d) => d.webhook_id),
      [one.webhook_id],
      "claimed ones are held by their lease; the endpoint's next delivery is due",
    );
  });

  it('when an attempt is recorded, then the delivery keeps its attempts in order and its new state', async () => {
    const ws = `ws_${randomUUID()}`;
    const hook = endpoint(ws);
    await store.create(hook, 5);
    const d = delivery(hook, at(0));
    await store.addDeliveries([d]);
    const failed = { at: at(1), status_code: 503, latency_ms: 20, error: 'HTTP 503' };
    const ok = { at: at(5), status_code: 200, latency_ms: 12, error: null };
    await store.recordAttempt(d.delivery_id, failed, { state: 'pending', next_attempt_at: at(4) });
    await store.recordAttempt(d.delivery_id, ok, { state: 'delivered', next_attempt_at: null });
    const [stored] = await store.deliveries(ws, hook.webhook_id, 10);
    assert.deepEqual(stored!.attempts, [failed, ok]);
    assert.equal(stored!.state, 'delivered');
    assert.equal(stored!.next_attempt_at, null);
  });

  it('when the log is read, then newest first, limited', async () => {
    const ws = `ws_${randomUUID()}`;
    const hook = endpoint(ws);
    await store.create(hook, 5);
    const made = [delivery(hook, at(1)), delivery(hook, at(3)), delivery(hook, at(2))];
    await store.addDeliveries(made);
    const log = await store.deliveries(ws, hook.webhook_id, 2);
    assert.deepEqual(
      log.map((d) => d.created_at),
      [at(3), at(2)],
    );
  });
}
