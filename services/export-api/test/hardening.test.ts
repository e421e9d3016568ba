import { GetObjectCommand, PutObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { SignJWT } from 'jose';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import request from 'supertest';
import { DEMO_WORKSPACES } from '../src/demo-workspaces.ts';
import { loadExportApiConfig } from '../src/config.ts';
import { monthStart, PLANS } from '../src/domain/workspace.ts';
import { job } from './factories.ts';
import { contractCheckedHttp } from './openapi-contract.ts';
import { eventually, JWT_SECRET, OPS_TOKEN, startHarness, type Harness } from './harness.ts';

const EXPORT = '/api/v1/analytics/export';
const valid = {
  since: '2026-08-01',
  until: '2026-10-29',
  platforms: ['meta'],
  format: 'CSV',
  target_currency: 'EUR',
};

/** Sends raw bytes over one TCP connection and collects what comes back until `done` says so. */
function rawExchange(
  port: number,
  steps: { send: string; waitMs?: number }[],
  done: (received: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (done(received)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.on('connect', () => {
      const sendAll = async () => {
        for (const step of steps) {
          if (step.waitMs) await new Promise((r) => setTimeout(r, step.waitMs));
          socket.write(step.send);
        }
      };
      sendAll().catch(reject);
    });
  });
}

describe('export-api hardening', function () {
  this.timeout(30_000);
  let h: Harness;
  // Every response these tests receive is checked against the OpenAPI document.
  const http = contractCheckedHttp(() => h.app.koa.callback());
  const sign = (claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT) =>
    build(
      new SignJWT({ workspace_id: 'ws_acme', role: 'admin', ...claims }).setProtectedHeader({
        alg: 'HS256',
      }),
    ).sign(new TextEncoder().encode(JWT_SECRET));
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  describe('tokens', () => {
    const status = async (token: string) =>
      (await http().get(EXPORT).set('Authorization', `Bearer ${token}`)).status;

    it('when a token never expires, lives too long, is issued in the future or has an empty sub, then 401', async () => {
      const forever = await sign({}, (t) => t.setSubject('u').setIssuedAt());
      const tooLong = await sign({}, (t) =>
        t.setSubject('u').setIssuedAt().setExpirationTime('30d'),
      );
      const future = await sign({}, (t) =>
        t
          .setSubject('u')
          .setIssuedAt(now() + 600)
          .setExpirationTime(now() + 3600),
      );
      const emptySub = await sign({}, (t) =>
        t.setSubject('').setIssuedAt().setExpirationTime('1h'),
      );
      const blankSub = await sign({}, (t) =>
        t.setSubject('  ').setIssuedAt().setExpirationTime('1h'),
      );
      for (const [name, token] of Object.entries({
        forever,
        tooLong,
        future,
        emptySub,
        blankSub,
      })) {
        assert.equal(await status(token), 401, name);
      }
    });

    it('when a clock is a few seconds off, then a fresh token is still accepted', async () => {
      const skewed = await sign({}, (t) =>
        t
          .setSubject('u')
          .setIssuedAt(now() + 10)
          .setExpirationTime(now() + 3600),
      );
      assert.equal(await status(skewed), 200);
    });
  });

  describe('secret rotation', () => {
    let rotated: Harness;
    const OLD = 'the-retiring-secret-the-retiring-secret!!';
    before(async () => {
      rotated = await startHarness({ JWT_SECRET_PREVIOUS: OLD });
    });
    after(() => rotated.close());

    it('when JWT_SECRET_PREVIOUS is set, then tokens signed with either secret are accepted, others not', async () => {
      const get = (token: string) =>
        request(rotated.app.koa.callback()).get(EXPORT).set('Authorization', `Bearer ${token}`);
      const withSecret = (secret: string) =>
        new SignJWT({ workspace_id: 'ws_acme', role: 'admin' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(secret));
      assert.equal((await get(await rotated.token('ws_acme'))).status, 200, 'current secret');
      assert.equal((await get(await withSecret(OLD))).status, 200, 'previous secret');
      const forged = await get(await withSecret('some-other-secret-some-other-secret!!'));
      assert.equal(forged.status, 401);
    });
  });

  describe('dates', () => {
    it('when an export names a far-future or ancient date, then 400 names the field and the window', async () => {
      for (const [body, field] of [
        [{ ...valid, since: '9999-12-31', until: '9999-12-31' }, 'since'],
        [{ ...valid, until: '2100-01-01' }, 'until'],
        [{ ...valid, since: '1999-12-31', until: '2000-01-05' }, 'since'],
      ] as const) {
        const response = await http()
          .post(EXPORT)
          .set('Authorization', `Bearer ${await h.token('ws_acme')}`)
          .send(body);
        assert.equal(response.status, 400);
        assert.equal(response.body.error.field, field);
        assert.match(response.body.error.message, /between 2000-01-01 and 2099-12-31/);
      }
    });

    it('when the history is filtered up to a far-future date, then the jobs are listed, and past the window it is a 400', async () => {
      const token = await h.token('ws_kumo');
      const within = await http()
        .get(`${EXPORT}?created_to=2099-12-31`)
        .set('Authorization', `Bearer ${token}`);
      assert.equal(within.status, 200);
      assert.ok(within.body.jobs.length > 0, 'ws_kumo has jobs');
      const beyond = await http()
        .get(`${EXPORT}?created_to=9999-12-31`)
        .set('Authorization', `Bearer ${token}`);
      assert.equal(beyond.status, 400);
      assert.equal(beyond.body.error.field, 'created_to');
    });
  });

  describe('quota', () => {
    it('when requests race at the last free export, then exactly one is accepted', async () => {
      // ws_nova as if on Starter (20 a month): fill it to 19, then send five at once.
      const since = monthStart(new Date());
      const used = await h.jobs.countTowardsQuota('ws_nova', since);
      for (let i = used; i < 19; i++) await h.jobs.create(job({ workspace_id: 'ws_nova' }));
      const workspace = {
        ...DEMO_WORKSPACES.find((w) => w.workspace_id === 'ws_nova')!,
        plan: 'starter' as const,
      };
      const user = { user_id: 'u', workspace_id: 'ws_nova', role: 'admin' as const };
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () =>
          h.app.requests.requestExport(user, workspace, 'CSV', job().params),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        assert.equal((r.reason as { status: number }).status, 429);
      }
      assert.equal(await h.jobs.countTowardsQuota('ws_nova', since), 20);
    });
  });

  describe('quota headers', () => {
    it('when 30 requests race for the last 20 exports, then each accepted answer says what was left after it', async () => {
      const since = monthStart(new Date());
      const limit = PLANS.pro.exports_per_month!;
      const used = await h.jobs.countTowardsQuota('ws_acme', since);
      for (let i = used; i < limit - 20; i++) await h.jobs.create(job({ workspace_id: 'ws_acme' }));
      const token = await h.token('ws_acme');
      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          http().post(EXPORT).set('Authorization', `Bearer ${token}`).send(valid),
        ),
      );
      const accepted = answers.filter((a) => a.status === 202);
      assert.equal(accepted.length, 20);
      assert.equal(answers.filter((a) => a.status === 429).length, 10);
      const remaining = accepted.map((a) => Number(a.headers['x-export-quota-remaining']));
      assert.deepEqual(
        remaining.sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i),
      );
    });
  });

  describe('job events', () => {
    const publish = (event: Record<string, unknown>) => h.publishEvent(event);
    const putFile = (key: string) =>
      h.clients.s3.send(
        new PutObjectCommand({ Bucket: h.config.EXPORTS_BUCKET, Key: key, Body: key }),
      );
    const exists = (key: string) =>
      h.clients.s3.send(new HeadObjectCommand({ Bucket: h.config.EXPORTS_BUCKET, Key: key })).then(
        () => true,
        () => false,
      );
    const fileAt = (key: string) => ({
      key,
      bytes: key.length,
      rows: 1,
      sha256: 'b'.repeat(64),
      content_type: 'text/csv; charset=utf-8',
    });

    it('when a second render completes a finished job, then the job keeps its first file and the second is removed', async () => {
      const created = job({ status: 'RUNNING' });
      await h.jobs.create(created);
      const first = `exports/ws_acme/${created.job_id}/attempt-1/report.csv`;
      const second = `exports/ws_acme/${created.job_id}/attempt-2/report.csv`;
      await putFile(first);
      await putFile(second);
      await publish({ job_id: created.job_id, status: 'COMPLETED', file: fileAt(first) });
      await eventually(async () => ((await h.jobs.get(created.job_id))?.file ? true : undefined));
      await publish({ job_id: created.job_id, status: 'COMPLETED', file: fileAt(second) });
      await eventually(async () => ((await exists(second)) ? undefined : true));
      assert.equal((await h.jobs.get(created.job_id))!.file!.key, first);
      assert.ok(await exists(first), 'the recorded file stays');
    });

    it('when a late FAILED event or another workspace’s event arrives, then it is ignored, not dead-lettered', async () => {
      // The DLQ is drained at once, so its depth proves nothing: count outcomes instead.
      const outcomes = async () => {
        const text = await (
          await fetch(`http://127.0.0.1:${h.ports.opsPort}/metrics`, {
            headers: { authorization: `Bearer ${OPS_TOKEN}` },
          })
        ).text();
        const count = (pattern: RegExp) =>
          [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
        return {
          handled: count(
            /wevion_messages_total\{[^}]*queue="export-api-events",outcome="handled"[^}]*\} (\d+)/g,
          ),
          refused: count(
            /wevion_messages_total\{[^}]*queue="export-api-events",outcome="(?:failed|invalid)"[^}]*\} (\d+)/g,
          ),
          deadLetters: count(
            /wevion_messages_total\{[^}]*queue="export-api-events-dlq"[^}]*\} (\d+)/g,
          ),
        };
      };
      const before = await outcomes();
      const done = job({ status: 'COMPLETED', file: fileAt('exports/ws_acme/x/y/z.csv') });
      const running = job({ status: 'RUNNING' });
      await h.jobs.create(done);
      await h.jobs.create(running);
      await publish({
        job_id: done.job_id,
        status: 'FAILED',
        error: { code: 'late', message: 'late' },
      });
      await publish({
        job_id: running.job_id,
        workspace_id: 'ws_nova',
        status: 'FAILED',
        error: { code: 'forged', message: 'forged' },
      });
      await h.drained(h.config.EXPORT_API_EVENTS_QUEUE_URL);
      await h.drained(h.config.EXPORT_API_EVENTS_DLQ_URL);
      assert.equal((await h.jobs.get(done.job_id))!.status, 'COMPLETED');
      assert.equal((await h.jobs.get(running.job_id))!.status, 'RUNNING');
      const after = await outcomes();
      assert.equal(after.handled - before.handled, 2, 'both events handled (and ignored)');
      assert.equal(after.refused, before.refused, 'neither failed nor was refused');
      assert.equal(after.deadLetters, before.deadLetters, 'nothing reached the dead-letter queue');
    });
  });

  describe('HTTP edges', () => {
    it('when a path or method does not exist, then 404 and 405 come in the {error} shape', async () => {
      const token = await h.token('ws_acme');
      const missing = await http().get('/api/v1/nothing').set('Authorization', `Bearer ${token}`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
      const method = await http().delete(EXPORT).set('Authorization', `Bearer ${token}`);
      assert.equal(method.status, 405);
      assert.equal(method.body.error.code, 'method_not_allowed');
    });

    it('when a JSON body is over 64 KB, then 413 body_too_large, as documented', async () => {
      const token = await h.token('ws_acme');
      const response = await http()
        .post(EXPORT)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...valid, padding: 'x'.repeat(70 * 1024) }));
      assert.equal(response.status, 413);
      assert.equal(response.body.error.code, 'body_too_large');
      assert.match(response.body.error.message, /64kb/i);
    });

    it('when the headers are too large, then 431 comes in the {error} shape', async () => {
      const response = await rawExchange(
        h.ports.port,
        [{ send: `GET ${EXPORT} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n` }],
        (received) => received.includes('}}'),
      );
      assert.match(response, /^HTTP\/1\.1 431/);
      assert.match(response, /"code":"headers_too_large"/);
    });

    it('when a keep-alive socket idles past Node’s 5 s default, then it still serves the next request', async function () {
      this.timeout(20_000);
      const get = `GET /analytics HTTP/1.1\r\nHost: x\r\n\r\n`;
      const response = await rawExchange(
        h.ports.port,
        [{ send: get }, { send: get, waitMs: 6000 }],
        (received) => (received.match(/HTTP\/1\.1 200/g) ?? []).length === 2,
      );
      assert.equal((response.match(/HTTP\/1\.1 200/g) ?? []).length, 2, response.slice(0, 200));
    });
  });

  describe('logos a tenant controls', () => {
    /** Polls /healthz every 10 ms while `work` runs; resolves with the slowest answer. */
    async function slowestHealthzDuring(work: Promise<unknown>): Promise<number> {
      let slowest = 0;
      let done = false;
      const settled = work.finally(() => (done = true));
      while (!done) {
        const started = performance.now();
        await fetch(`http://127.0.0.1:${h.ports.opsPort}/healthz`).then((r) => r.arrayBuffer());
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await settled;
      return slowest;
    }

    it('when an SVG declares a tall or huge canvas, then it is drawn at print size off the event loop: /healthz stays fast and memory flat', async () => {
      const token = await h.token('ws_acme');
      for (const [svg, expected] of [
        [
          '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="1000" viewBox="0 0 10 1000"><rect width="10" height="1000" fill="#0B5FFF"/></svg>',
          [3, 300],
        ],
        [
          '<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="100000"><rect width="200000" height="100000" fill="#14B8A6"/></svg>',
          [600, 300],
        ],
      ] as const) {
        const rssBefore = process.memoryUsage().rss;
        let stored: { status: number; body: { branding: { logo_key: string } } } | undefined;
        const upload = fetch(
          `http://127.0.0.1:${h.ports.port}/api/v1/workspaces/current/branding`,
          {
            method: 'PUT',
            headers: { authorization: `Bearer ${token}` },
            body: (() => {
              const form = new FormData();
              form.set('logo', new Blob([svg], { type: 'image/svg+xml' }), 'logo.svg');
              return form;
            })(),
          },
        ).then(async (r) => (stored = { status: r.status, body: await r.json() }));
        const slowest = await slowestHealthzDuring(upload);
        const grewMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
        assert.equal(stored!.status, 200, JSON.stringify(stored!.body));
        assert.ok(slowest < 100, `/healthz took ${slowest.toFixed(0)} ms during the upload`);
        assert.ok(grewMb < 60, `RSS grew ${grewMb.toFixed(0)} MB`);
        const png = await h.clients.s3.send(
          new GetObjectCommand({
            Bucket: h.config.EXPORTS_BUCKET,
            Key: stored!.body.branding.logo_key,
          }),
        );
        const { width, height } = await sharp(
          Buffer.from(await png.Body!.transformToByteArray()),
        ).metadata();
        assert.deepEqual([width, height], expected);
      }
    });
  });

  describe('configuration', () => {
    const base = {
      JWT_SECRET,
      INTERNAL_TOKEN_SECRET: 'x'.repeat(32),
      OPS_TOKEN: 'y'.repeat(16),
      EXPORT_JOBS_QUEUE_URL: 'http://q/1',
      EXPORT_JOBS_DLQ_URL: 'http://q/2',
      RENDER_JOBS_DLQ_URL: 'http://q/3',
      EXPORT_API_EVENTS_QUEUE_URL: 'http://q/4',
      EXPORT_API_EVENTS_DLQ_URL: 'http://q/5',
      EXPORTS_BUCKET: 'b',
    };

    it('when DEV_SESSION_TOKEN is set in production, then export-api refuses to start', () => {
      assert.throws(
        () => loadExportApiConfig({ ...base, NODE_ENV: 'production', DEV_SESSION_TOKEN: 't' }),
        /DEV_SESSION_TOKEN must not be set when NODE_ENV=production/,
      );
      assert.equal(loadExportApiConfig({ ...base, DEV_SESSION_TOKEN: 't' }).DEV_SESSION_TOKEN, 't');
    });

    it('when no ops token or internal secret is configured, then export-api refuses to start', () => {
      const { OPS_TOKEN: _ops, INTERNAL_TOKEN_SECRET: _internal, ...rest } = base;
      assert.throws(
        () => loadExportApiConfig(rest),
        /OPS_TOKEN[\s\S]*INTERNAL_TOKEN_SECRET|INTERNAL_TOKEN_SECRET[\s\S]*OPS_TOKEN/,
      );
    });
  });
});

describe('download links behind another S3 address (docker compose)', function () {
  this.timeout(30_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ S3_PUBLIC_ENDPOINT_URL: 'http://127.0.0.1:4566' });
  });
  after(() => h.close());

  it('when S3_PUBLIC_ENDPOINT_URL is set, then links are signed for that address', async () => {
    const done = job({
      status: 'COMPLETED',
      file: {
        key: 'exports/ws_acme/j/a/report.csv',
        bytes: 1,
        rows: 1,
        sha256: 'c'.repeat(64),
        content_type: 'text/csv; charset=utf-8',
      },
    });
    await h.jobs.create(done);
    const read = await request(h.app.koa.callback())
      .get(`${EXPORT}/${done.job_id}`)
      .set('Authorization', `Bearer ${await h.token('ws_acme')}`);
    assert.equal(read.status, 200);
    assert.match(
      read.body.download_url,
      /^http:\/\/127\.0\.0\.1:4566\/[^/]*wevion-exports\/exports\/ws_acme\/j\/a\/report\.csv\?/,
    );
  });
});
