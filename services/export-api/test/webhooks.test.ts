import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@wevion/shared';
import { openSqlite } from '../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../src/adapters/sqlite-job-store.ts';
import { SqliteWebhookStore } from '../src/adapters/sqlite-webhook-store.ts';
import { webhookLoop } from './webhook-loop.ts';
import { job } from './factories.ts';
import { NodeHttpWebhookSender } from '../src/adapters/node-http-webhook-sender.ts';
import { eventually, startHarness, type Harness } from './harness.ts';
import { contractCheckedHttp, documentProblem } from './openapi-contract.ts';

const HOOKS = '/api/v1/workspaces/current/webhooks';
const valid = {
  since: '2026-08-01',
  until: '2026-08-31',
  platforms: ['meta'],
  format: 'CSV',
  target_currency: 'EUR',
};

/** What a receiver does with `Wevion-Signature`: recompute, compare in constant time, check the age. */
function verify(secret: string, header: string, body: string, toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) <= toleranceS;
  return fresh && expected.length === parts.v1?.length && expected === parts.v1;
}

describe('completion webhooks', function () {
  this.timeout(60_000);
  let h: Harness;
  let admin: string;
  // Every response these tests receive is checked against the OpenAPI document.
  const http = contractCheckedHttp(() => h.app.koa.callback());

  /** A receiver on loopback that refuses the first `failures` deliveries, then accepts. */
  const received: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
  let failures = 2;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = failures-- > 0 ? 503 : 200;
      received.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  let target: string;

  before(async () => {
    // npm start allows loopback targets the same way; production refuses them.
    h = await startHarness({
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_BASE_SECONDS: '0.2',
    });
    admin = await h.token('ws_acme');
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/wevion`;
  });
  after(async () => {
    await h.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const as = (token: string) => ({
    post: (path: string, body?: object) =>
      http()
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .send(body ?? {}),
    get: (path: string) => http().get(path).set('Authorization', `Bearer ${token}`),
    delete: (path: string) => http().delete(path).set('Authorization', `Bearer ${token}`),
  });

  it('when a job completes, then the endpoint gets a signed event, retried after two refusals, and the log shows all three', async () => {
    const created = await as(admin).post(HOOKS, { url: target });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { webhook_id: webhookId, secret } = created.body;
    assert.match(secret, /^whsec_/);
    const listed = await as(admin).get(HOOKS);
    assert.equal(listed.body.webhooks.length, 1);
    assert.equal(listed.body.webhooks[0].secret, undefined, 'the secret is shown once');

    const { job_id: jobId } = (await as(admin).post('/api/v1/analytics/export', valid)).body;
    await h.publishEvent({
      job_id: jobId,
      status: 'COMPLETED',
      file: {
        key: `exports/ws_acme/${jobId}/f.csv`,
        bytes: 10,
        rows: 2,
        sha256: 'c'.repeat(64),
        content_type: 'text/csv; charset=utf-8',
      },
    });
    await eventually(async () => (received.length >= 3 ? true : undefined), 30_000);
    assert.deepEqual(
      received.map((r) => r.status),
      [503, 503, 200],
    );
    const [first, , last] = received;
    assert.equal(first!.body, last!.body, 'a retry sends the same event');
    const event = JSON.parse(last!.body);
    // The payload is the one the document's `webhooks` section describes.
    assert.equal(documentProblem(['components', 'schemas', 'WebhookEvent'], event), null);
    assert.equal(event.type, 'export.completed');
    assert.equal(event.data.job_id, jobId);
    assert.equal(event.data.file.rows, 2);
    assert.match(event.data.file.filename, /^wevion-cross-channel_2026-08-01_2026-08-31_EUR\.csv$/);
    assert.doesNotMatch(last!.body, /download_url|X-Amz-Signature/, 'no URL that outlives its TTL');
    assert.equal(last!.headers['wevion-event'], 'export.completed');
    for (const r of received)
      assert.ok(verify(secret, r.headers['wevion-signature'] as string, r.body));
    assert.equal(
      verify('whsec_wrong', last!.headers['wevion-signature'] as string, last!.body),
      false,
    );

    const log = await eventually(async () => {
      const { body } = await as(admin).get(`${HOOKS}/${webhookId}/deliveries`);
      return body.deliveries[0]?.state === 'delivered' ? body.deliveries : undefined;
    });
    assert.deepEqual(
      log[0].attempts.map((a: { status_code: number }) => a.status_code),
      [503, 503, 200],
    );
    assert.ok(log[0].attempts.every((a: { latency_ms: number }) => a.latency_ms >= 0));

    // A rotated secret signs what comes next; the old one no longer verifies.
    const rotated = await as(admin).post(`${HOOKS}/${webhookId}/rotate-secret`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, secret);
    const cancelled = (await as(admin).post('/api/v1/analytics/export', valid)).body.job_id;
    await as(admin).post(`/api/v1/analytics/export/${cancelled}/cancel`);
    await eventually(async () => (received.length >= 4 ? true : undefined), 30_000);
    const failed = received[3]!;
    assert.equal(JSON.parse(failed.body).type, 'export.failed');
    assert.equal(
      documentProblem(['components', 'schemas', 'WebhookEvent'], JSON.parse(failed.body)),
      null,
    );
    assert.equal(JSON.parse(failed.body).data.error.code, 'cancelled');
    assert.ok(
      verify(rotated.body.secret, failed.headers['wevion-signature'] as string, failed.body),
    );
    assert.equal(verify(secret, failed.headers['wevion-signature'] as string, failed.body), false);
    assert.equal((await as(admin).delete(`${HOOKS}/${webhookId}`)).status, 204);
    assert.equal((await as(admin).get(`${HOOKS}/${webhookId}/deliveries`)).status, 404);
  });

  it('when the limit is reached, a viewer asks or a target is private, then 409, 403 and 400', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await as(admin).post(HOOKS, { url: `${target}/${i}` })).status, 201);
    const sixth = await as(admin).post(HOOKS, { url: `${target}/6` });
    assert.equal(sixth.status, 409);
    assert.equal(sixth.body.error.code, 'webhook_limit_reached');
    const viewer = await as(await h.token('ws_acme', 'viewer')).get(HOOKS);
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.reason, 'admin_required');
    // The production guard, on its own: every address is judged by what it reaches.
    const guard = new NodeHttpWebhookSender({ timeoutMs: 1000, allowPrivateTargets: false });
    for (const url of [
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest/meta-data',
      'https://2130706433/x', // 127.0.0.1 as one number
      'https://[::1]/x',
      'https://[::]/x',
      'https://[::127.0.0.1]/x', // IPv4-compatible IPv6
      'https://[::169.254.169.254]/x',
      'https://[::10.0.0.1]/x',
      'https://[::ffff:127.0.0.1]/x', // IPv4-mapped
      'https://[::ffff:0:10.0.0.1]/x', // IPv4-translated
      'https://[64:ff9b::169.254.169.254]/x', // NAT64
      'https://[2002:7f00:1::1]/x', // 6to4 of 127.0.0.1
      'https://[2002:a9fe:a9fe::]/x', // 6to4 of 169.254.169.254
      'https://[2001::1]/x', // Teredo
      'https://[fe80::1]/x',
      'https://[fd00::1]/x',
      'https://[2001:db8::1]/x',
      'https://[ff02::1]/x',
      'https://localhost/x',
      'http://example.com/x',
    ])
      await assert.rejects(guard.checkTarget(url), /webhook URL/, url);
    for (const url of [
      'https://93.184.215.14/hook',
      'https://[2606:4700:4700::1111]/hook',
      'https://[::ffff:93.184.215.14]/hook',
      'https://[2002:5db8:d70e::1]/hook', // 6to4 of a public address
    ])
      await guard.checkTarget(url);
    // At delivery the connection's own DNS answer is judged, not an earlier lookup's.
    await assert.rejects(
      guard.send('https://localhost:1/x', '{}', {}),
      /127\.0\.0\.1 \(loopback\)|::1/,
    );
    await assert.rejects(guard.send('https://[::127.0.0.1]:1/x', '{}', {}), /loopback/);
  });

  it('when a webhook is created, then its secret is not cached; without a subscription none can be created', async () => {
    const created = await as(admin).post(HOOKS, { url: `${target}/no-store` });
    // The limit test above may have filled the workspace: either answer carries the header rule.
    if (created.status === 201) {
      assert.equal(created.headers['cache-control'], 'no-store');
      await as(admin).delete(`${HOOKS}/${created.body.webhook_id}`);
    } else {
      assert.equal(created.status, 409);
    }
    const nova = await as(await h.token('ws_nova')).post(HOOKS, { url: `${target}/nova` });
    assert.equal(nova.status, 403);
    assert.equal(nova.body.reason, 'subscription_required');
  });

  it('when export-api stops before it delivers, or before it even stores the deliveries, then the next process delivers both', async () => {
    const db = openSqlite(':memory:');
    const store = new SqliteWebhookStore(db);
    const jobs = new SqliteJobStore(db);
    const stored = job({ status: 'COMPLETED', updated_at: new Date().toISOString() });
    const unannounced = job({ status: 'FAILED', updated_at: new Date().toISOString() });
    for (const j of [stored, unannounced]) await jobs.create(j);
    const secret = 'whsec_restart';
    await store.create(
      {
        webhook_id: 'wh_r',
        workspace_id: stored.workspace_id,
        url: target,
        secret,
        created_at: new Date().toISOString(),
      },
      5,
    );
    const make = () =>
      webhookLoop(
        { retryBaseMs: 200, pollMs: 100, leaseMs: 5_000, maxInFlight: 8 },
        {
          store,
          sender: new NodeHttpWebhookSender({ timeoutMs: 2000, allowPrivateTargets: true }),
          jobs,
          logger: createLogger('webhooks-test', 'silent'),
        },
      );
    const before = received.length;
    // The first process stores one job's deliveries and stops before its loop runs; the other
    // job ended in the store but the process died before announcing it at all.
    await make().jobEnded(stored.job_id);
    assert.equal(received.length, before);
    const next = make();
    assert.equal(await next.announceMissed(), 1, 'the reconciler finds the unannounced job');
    next.start();
    try {
      await eventually(async () => (received.length >= before + 2 ? true : undefined), 10_000);
    } finally {
      await next.stop();
    }
    const ids = received.slice(before).map((r) => JSON.parse(r.body).data.job_id as string);
    assert.deepEqual(ids.sort(), [stored.job_id, unannounced.job_id].sort());
    for (const r of received.slice(before))
      assert.ok(verify(secret, r.headers['wevion-signature'] as string, r.body));
    assert.ok((await jobs.get(unannounced.job_id))!.announced_at);
    assert.equal(await next.announceMissed(), 0);
    db.close();
  });
});
