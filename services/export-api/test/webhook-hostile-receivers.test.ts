import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createLogger } from '@wevion/shared';
import { NodeHttpWebhookSender } from '../src/adapters/node-http-webhook-sender.ts';
import { openSqlite } from '../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../src/adapters/sqlite-job-store.ts';
import { SqliteWebhookStore } from '../src/adapters/sqlite-webhook-store.ts';
import { webhookLoop } from './webhook-loop.ts';
import { job } from './factories.ts';
import { eventually } from './harness.ts';

/** A receiver on loopback; `sockets` lets a test end connections the handler never answers. */
async function receiver(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('webhooks against hostile receivers', function () {
  this.timeout(30_000);
  const sender = (timeoutMs = 2_000) =>
    new NodeHttpWebhookSender({ timeoutMs, allowPrivateTargets: true });

  it('when a receiver answers 200 with a gzip bomb, then only its status is read and memory stays flat', async () => {
    const inflated = 200 * 1024 * 1024;
    const bomb = gzipSync(Buffer.alloc(inflated), { level: 9 });
    let acceptEncoding: string | undefined;
    let written = 0;
    const bomber = await receiver((req, res) => {
      acceptEncoding = req.headers['accept-encoding'];
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': bomb.length * 50 });
      // The same bomb over and over: 10 GB once inflated, if anyone reads it.
      const more = () => {
        while (written < bomb.length * 50 && !res.destroyed) {
          written += bomb.length;
          if (!res.write(bomb)) return res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    try {
      const rssBefore = process.memoryUsage().rss;
      assert.equal(await sender().send(bomber.url, '{}', {}), 200);
      const grewMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
      assert.ok(grewMb < 40, `RSS grew ${grewMb.toFixed(0)} MB`);
      assert.equal(acceptEncoding, 'identity', 'no compression is asked for');
      await eventually(async () => (written > 0 ? true : undefined));
      // Socket buffers take a few MB on loopback; reading the body would take all of it.
      assert.ok(written < (bomb.length * 50) / 2, `the receiver got to send ${written} bytes`);
    } finally {
      await bomber.close();
    }
  });

  it('when one endpoint never answers, then another workspace gets its event at once and the slow one is retried on its own', async () => {
    const db = openSqlite(':memory:');
    const store = new SqliteWebhookStore(db);
    const jobs = new SqliteJobStore(db);
    const arrivals: { jobId: string; at: number }[] = [];
    let hung = 0;
    const hanging = await receiver(() => void hung++);
    const healthy = await receiver((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        arrivals.push({ jobId: JSON.parse(body).data.job_id, at: performance.now() });
        res.writeHead(204).end();
      });
    });
    const at = new Date().toISOString();
    for (const [id, workspace, url] of [
      ['wh_hangs', 'ws_acme', hanging.url],
      ['wh_ok', 'ws_kumo', healthy.url],
    ] as const)
      await store.create(
        { webhook_id: id, workspace_id: workspace, url, secret: 's', created_at: at },
        5,
      );
    const webhooks = webhookLoop(
      { retryBaseMs: 60_000, pollMs: 100, leaseMs: 10_000, maxInFlight: 8 },
      {
        store,
        sender: sender(3_000),
        jobs,
        logger: createLogger('webhooks-test', 'silent'),
      },
    );
    webhooks.start();
    try {
      const slow = job({ workspace_id: 'ws_acme', status: 'COMPLETED' });
      await jobs.create(slow);
      await webhooks.jobEnded(slow.job_id);
      await eventually(async () => (hung > 0 ? true : undefined));
      // ws_kumo's job ends while ws_acme's receiver holds its delivery open.
      const quick = job({ workspace_id: 'ws_kumo', status: 'COMPLETED' });
      await jobs.create(quick);
      const ended = performance.now();
      await webhooks.jobEnded(quick.job_id);
      await eventually(async () => (arrivals.length ? true : undefined), 5_000);
      const lateMs = arrivals[0]!.at - ended;
      assert.equal(arrivals[0]!.jobId, quick.job_id);
      assert.ok(lateMs < 1_000, `the healthy endpoint got its event ${lateMs.toFixed(0)} ms late`);

      const [slowDelivery] = await eventually(async () => {
        const log = await store.deliveries('ws_acme', 'wh_hangs', 5);
        return log[0]?.attempts.length ? log : undefined;
      });
      assert.equal(slowDelivery!.state, 'pending', 'the slow endpoint is retried later');
      assert.match(slowDelivery!.attempts[0]!.error ?? '', /no answer within 3 s/);
      assert.ok(Date.parse(slowDelivery!.next_attempt_at!) > Date.now() + 50_000, 'backed off');
      const [quickDelivery] = await store.deliveries('ws_kumo', 'wh_ok', 5);
      assert.equal(quickDelivery!.state, 'delivered');
      assert.equal(quickDelivery!.attempts.length, 1);
    } finally {
      await webhooks.stop();
      await Promise.all([hanging.close(), healthy.close()]);
      db.close();
    }
  });

  it('when two loops share a store, then each due delivery is sent once', async () => {
    const db = openSqlite(':memory:');
    const store = new SqliteWebhookStore(db);
    const jobs = new SqliteJobStore(db);
    const seen: string[] = [];
    const counting = await receiver((req, res) => {
      seen.push(String(req.headers['wevion-delivery']));
      res.writeHead(200).end();
    });
    const at = new Date().toISOString();
    await store.create(
      {
        webhook_id: 'wh_1',
        workspace_id: 'ws_acme',
        url: counting.url,
        secret: 's',
        created_at: at,
      },
      5,
    );
    const make = () =>
      webhookLoop(
        { retryBaseMs: 60_000, pollMs: 20, leaseMs: 10_000, maxInFlight: 8 },
        {
          store,
          sender: sender(),
          jobs,
          logger: createLogger('webhooks-test', 'silent'),
        },
      );
    const [one, two] = [make(), make()];
    const ended = Array.from({ length: 12 }, () => job({ status: 'COMPLETED' }));
    for (const j of ended) await jobs.create(j);
    for (const j of ended) await one.jobEnded(j.job_id);
    one.start();
    two.start();
    try {
      await eventually(async () => (seen.length >= ended.length ? true : undefined), 10_000);
      await Promise.all([one.stop(), two.stop()]);
      assert.equal(seen.length, ended.length);
      assert.equal(new Set(seen).size, ended.length, 'no delivery was sent twice');
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await counting.close();
      db.close();
    }
  });
});
