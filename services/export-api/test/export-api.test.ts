import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SignJWT } from 'jose';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isCancelled, PLATFORMS } from '@wevion/shared';
import request from 'supertest';
import type { Job } from '../src/domain/job.ts';
import { requestHash } from '../src/http/idempotency-key.ts';
import { DEMO_WORKSPACES } from '../src/demo-workspaces.ts';
import { job } from './factories.ts';
import { contractCheckedHttp } from './openapi-contract.ts';
import { eventually, JWT_SECRET, OPS_TOKEN, startHarness, type Harness } from './harness.ts';

const EXPORT = '/api/v1/analytics/export';
const valid = {
  since: '2026-08-01',
  until: '2026-10-29',
  platforms: ['meta', 'google'],
  format: 'CSV',
  target_currency: 'EUR',
};

describe('export-api', function () {
  this.timeout(30_000);
  let h: Harness;
  let acme: string;
  // Every response these tests receive is checked against the OpenAPI document.
  const http = contractCheckedHttp(() => h.app.koa.callback());

  before(async () => {
    h = await startHarness();
    acme = await h.token('ws_acme');
  });
  after(() => h.close());

  const post = (body: unknown, token = acme) =>
    http()
      .post(EXPORT)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  describe('authentication and gates', () => {
    it('when no token or a bad one is sent, then 401 says what is wrong', async () => {
      const none = await http().post(EXPORT).send(valid);
      assert.equal(none.status, 401);
      assert.deepEqual(none.body.error.code, 'unauthenticated');
      assert.match(none.body.error.message, /Authorization: Bearer/);
      const forged = await new SignJWT({ workspace_id: 'ws_acme', role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .sign(new TextEncoder().encode('another-secret-another-secret-another!'));
      assert.equal((await post(valid, forged)).status, 401);
      const expired = await new SignJWT({ workspace_id: 'ws_acme', role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(JWT_SECRET));
      assert.match((await post(valid, expired)).body.error.message, /expired/);
      assert.equal((await post(valid, await h.token('ws_acme', 'owner'))).status, 401);
    });

    it('when a viewer exports, then 403 insufficient_role', async () => {
      const response = await post(valid, await h.token('ws_acme', 'viewer'));
      assert.equal(response.status, 403);
      assert.equal(response.body.reason, 'insufficient_role');
    });

    it('when the workspace has no active subscription, then 403 with reason subscription_required', async () => {
      const response = await post(valid, await h.token('ws_nova'));
      assert.equal(response.status, 403);
      assert.ok(response.headers['x-export-quota-remaining'], 'a refusal carries the quota too');
      assert.equal(response.body.reason, 'subscription_required');
      assert.match(response.body.error.message, /\/settings\/team\/billing/);
    });

    it('when cross-channel analytics are off for the workspace, then every export endpoint is a 404', async () => {
      const lotus = await h.token('ws_lotus');
      for (const response of [
        await post(valid, lotus),
        await http().get(EXPORT).set('Authorization', `Bearer ${lotus}`),
        await http().get(`${EXPORT}/${randomUUID()}`).set('Authorization', `Bearer ${lotus}`),
      ]) {
        assert.equal(response.status, 404);
        assert.equal(response.body.error.message, 'Cross-channel analytics are disabled');
      }
    });

    it('when the plan’s monthly quota is used, then a clear 429; failed exports do not count', async () => {
      const kumo = await h.token('ws_kumo');
      const last = await post({ ...valid, target_currency: 'JPY' }, kumo);
      assert.equal(last.status, 202);
      // The answer says where the quota stands: the last of 20 taken, renewing next month.
      const now = new Date();
      const renews = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000;
      assert.equal(last.headers['x-export-quota-limit'], '20');
      assert.equal(last.headers['x-export-quota-remaining'], '0');
      assert.equal(last.headers['x-export-quota-reset'], String(renews));
      assert.equal(last.headers['retry-after'], undefined);
      const over = await post({ ...valid, target_currency: 'JPY' }, kumo);
      assert.equal(over.status, 429);
      assert.equal(over.body.reason, 'export_quota_exceeded');
      assert.equal(over.headers['x-export-quota-remaining'], '0');
      const wait = Number(over.headers['retry-after']);
      assert.ok(Math.abs(wait - (renews - Date.now() / 1000)) < 5, `Retry-After ${wait}`);
      assert.match(
        over.body.error.message,
        /Starter plan includes 20 exports a month and all 20 are used/,
      );
      await h.jobs.update(
        last.body.job_id,
        { status: 'FAILED', error: { code: 'x', message: 'x' } },
        ['PENDING', 'RUNNING', 'COMPLETED'],
      );
      assert.equal((await post({ ...valid, target_currency: 'JPY' }, kumo)).status, 202);
    });
  });

  describe('the API contract', () => {
    it('when the OpenAPI document and its reference page are fetched, then both answer without a token, from this server only', async () => {
      const document = await http().get('/api/v1/openapi.json');
      assert.equal(document.status, 200);
      assert.equal(document.body.openapi, '3.1.0');
      assert.ok(document.body.paths['/api/v1/analytics/export/{job_id}/cancel'].post);
      const page = await http().get('/api/docs');
      assert.equal(page.status, 200);
      assert.match(page.text, /<redoc spec-url="\/api\/v1\/openapi.json"/);
      assert.match(page.text, /<script src="\/api\/docs\/redoc.standalone.js">/);
      assert.doesNotMatch(page.text, /https?:\/\//, 'nothing from another origin');
      assert.match(page.headers['content-security-policy']!, /script-src 'self';/);
      const script = await http().get('/api/docs/redoc.standalone.js');
      assert.equal(script.status, 200);
      assert.ok(Number(script.headers['content-length']) > 500_000, 'the Redoc bundle itself');
      // Nothing the bundle shows by itself comes from a CDN (its logo was cdn.redoc.ly's).
      const text = script.text || String(script.body);
      assert.doesNotMatch(text, /src:\s*"https?:|https:\/\/cdn\./);
    });
  });

  describe('idempotent submits', () => {
    const submit = (key: string, body: unknown = valid, token = acme) =>
      post(body, token).set('Idempotency-Key', key);
    const used = async () =>
      (await http().get('/api/v1/workspaces/current').set('Authorization', `Bearer ${acme}`)).body
        .quota.used as number;

    it('when a request is retried with its key, then the same job comes back, the quota counted once', async () => {
      const key = randomUUID();
      const before = await used();
      const first = await submit(key);
      assert.equal(first.status, 202);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      // The same request with its keys in another order is the same request.
      const reordered = Object.fromEntries(Object.entries(valid).reverse());
      const again = await submit(key, reordered);
      assert.equal(again.status, 202);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal(again.headers.location, first.headers.location);
      assert.equal(await used(), before + 1);
      // Even once the job has moved on, a replay is the first answer again, not the job's state.
      await h.jobs.update(first.body.job_id, { status: 'RUNNING' }, ['PENDING']);
      const later = await submit(key);
      assert.deepEqual(later.body, { job_id: first.body.job_id, status: 'PENDING' });
      // A key may hold spaces, as any printable ASCII.
      assert.equal((await submit(`order 42 ${randomUUID()}`)).status, 202);
      // Another workspace's key space is its own.
      const other = await submit(
        key,
        { ...valid, target_currency: 'JPY' },
        await h.token('ws_kumo'),
      );
      assert.notEqual(other.body.job_id, first.body.job_id);
    });

    it('when a key comes back with a different request, then 422 idempotency_key_reused', async () => {
      const key = randomUUID();
      assert.equal((await submit(key)).status, 202);
      const changed = await submit(key, { ...valid, format: 'PDF' });
      assert.equal(changed.status, 422);
      assert.equal(changed.body.error.code, 'idempotency_key_reused');
      assert.equal(changed.body.error.field, 'Idempotency-Key');
    });

    it('when ten requests race with one key, then exactly one job exists and all ten name it', async () => {
      const key = randomUUID();
      const answers = await Promise.all(Array.from({ length: 10 }, () => submit(key)));
      assert.deepEqual(
        answers.map((a) => a.status),
        Array(10).fill(202),
      );
      assert.equal(new Set(answers.map((a) => a.body.job_id)).size, 1);
      assert.equal(answers.filter((a) => a.headers['idempotent-replayed']).length, 9);
      const listed = (
        await http().get(`${EXPORT}?limit=100`).set('Authorization', `Bearer ${acme}`)
      ).body.jobs as { job_id: string }[];
      assert.equal(listed.filter((j) => j.job_id === answers[0]!.body.job_id).length, 1);
    });

    it('when a key is older than 24 hours or malformed, then it starts a new job or is a 400', async () => {
      // A workspace of its own: the history tests count today's jobs of ws_acme.
      await h.workspaces.upsert({ ...DEMO_WORKSPACES[0]!, workspace_id: 'ws_idem' });
      const token = await h.token('ws_idem');
      const key = randomUUID();
      const old = job({
        workspace_id: 'ws_idem',
        created_at: new Date(Date.now() - 25 * 3_600_000).toISOString(),
        idempotency_key: key,
        request_hash: requestHash(valid),
      });
      await h.jobs.create(old);
      const fresh = await submit(key, valid, token);
      assert.equal(fresh.status, 202);
      assert.notEqual(fresh.body.job_id, old.job_id);
      for (const bad of ['', 'x'.repeat(256), 'café', 'tab\there']) {
        const refused = await submit(bad);
        assert.equal(refused.status, 400, bad);
        assert.equal(refused.body.error.code, 'invalid_idempotency_key');
      }
    });
  });

  describe('cancel', () => {
    const cancel = (jobId: string, token = acme) =>
      http().post(`${EXPORT}/${jobId}/cancel`).set('Authorization', `Bearer ${token}`);

    it('when a PENDING job is cancelled, then it ends FAILED "cancelled", the workers are told, and it takes no quota', async () => {
      const used = async () =>
        (await http().get('/api/v1/workspaces/current').set('Authorization', `Bearer ${acme}`)).body
          .quota.used as number;
      const { job_id: jobId } = (await post(valid)).body;
      const before = await used();
      const cancelled = await cancel(jobId);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.status, 'FAILED');
      assert.equal(cancelled.body.error.code, 'cancelled');
      assert.match(cancelled.body.error.message, /^Cancelled by user_test at \d{4}-/);
      assert.equal(await used(), before - 1);
      assert.equal(
        await isCancelled(h.clients.s3, h.config.EXPORTS_BUCKET, jobId),
        true,
        'the marker the workers look for',
      );
      // A worker's late progress event cannot bring it back.
      await h.publishEvent({
        job_id: jobId,
        status: 'RUNNING',
        progress: { stage: 'rendering', percent: 70 },
      });
      await h.drained(h.config.EXPORT_API_EVENTS_QUEUE_URL);
      assert.equal((await h.jobs.get(jobId))!.status, 'FAILED');
    });

    it('when the job is finished, another workspace’s or the caller a viewer, then 409 with the status, 404 or 403', async () => {
      const { job_id: jobId } = (await post(valid)).body;
      assert.equal((await cancel(jobId)).status, 200);
      const again = await cancel(jobId);
      assert.equal(again.status, 409);
      assert.equal(again.body.status, 'FAILED');
      assert.equal(again.body.error.code, 'job_finished');
      const { job_id: other } = (await post(valid)).body;
      assert.equal((await cancel(other, await h.token('ws_kumo'))).status, 404);
      const viewer = await cancel(other, await h.token('ws_acme', 'viewer'));
      assert.equal(viewer.status, 403);
      assert.equal(viewer.body.reason, 'insufficient_role');
      assert.equal((await cancel(randomUUID())).status, 404);
    });
  });

  describe('validation', () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['since is missing', { since: undefined }, 'since', /"since" is required/],
      ['since is not a real date', { since: '2026-02-30' }, 'since', /real calendar date/],
      ['until is before since', { until: '2026-07-31' }, 'until', /on or before "until"/],
      ['the range is 91 days', { until: '2026-10-30' }, 'until', /91 days; the maximum is 90/],
      ['platforms is empty', { platforms: [] }, 'platforms', /at least 1/],
      [
        'platforms has 9 codes',
        {
          platforms: PLATFORMS.slice(0, 9),
        },
        'platforms',
        /at most 8/,
      ],
      ['a platform repeats', { platforms: ['meta', 'meta'] }, 'platforms.1', /must not repeat/],
      [
        'a platform is unknown',
        { platforms: ['meta', 'friendster'] },
        'platforms.1',
        /must be one of/,
      ],
      ['format is lowercase', { format: 'csv' }, 'format', /CSV, PDF or XLSX \(uppercase\)/],
      ['format is missing', { format: undefined }, 'format', /"format" is required/],
      [
        'target_currency is lowercase',
        { target_currency: 'eur' },
        'target_currency',
        /3-letter uppercase/,
      ],
      [
        'target_currency is not supported',
        { target_currency: 'XAU' },
        'target_currency',
        /supported currency/,
      ],
      ['timezone is not IANA', { timezone: 'CEST' }, 'timezone', /IANA time zone/],
      ['a mode field is sent', { mode: 'cross_channel' }, 'mode', /not allowed/],
      ['csv_bom is not a boolean', { csv_bom: 'yes' }, 'csv_bom', /must be a boolean/],
      [
        'a dimension is unknown',
        { dimensions: ['date', 'country'] },
        'dimensions.1',
        /may contain only date, platform, account, campaign/,
      ],
      ['a dimension repeats', { dimensions: ['date', 'date'] }, 'dimensions.1', /must not repeat/],
      [
        'granularity is unknown',
        { granularity: 'hourly' },
        'granularity',
        /one of day, week, month, total/,
      ],
      [
        'a week is asked without a date dimension',
        { dimensions: ['campaign'], granularity: 'week' },
        'granularity',
        /needs "date" among the dimensions/,
      ],
      [
        'a metric is unknown',
        { metrics: ['spend', 'reach'] },
        'metrics.1',
        /may contain only spend, impressions, clicks, ctr, cpc, cpm, conversions, conversion_value, roas, cpa/,
      ],
      ['metrics is empty', { metrics: [] }, 'metrics', /at least one of spend/],
      [
        'include_currency is not a boolean',
        { include_currency: 1 },
        'include_currency',
        /must be a boolean/,
      ],
      [
        'a PDF names dimensions',
        { format: 'PDF', dimensions: ['campaign'] },
        'dimensions',
        /applies to CSV and XLSX exports only/,
      ],
      [
        'a PDF names a granularity',
        { format: 'PDF', granularity: 'total' },
        'granularity',
        /applies to CSV and XLSX exports only/,
      ],
      [
        'a PDF names metrics',
        { format: 'PDF', metrics: ['spend'] },
        'metrics',
        /applies to CSV and XLSX exports only/,
      ],
      [
        'a PDF asks for a currency column',
        { format: 'PDF', include_currency: true },
        'include_currency',
        /applies to CSV and XLSX exports only/,
      ],
    ];
    for (const [why, patch, field, message] of cases) {
      it(`when ${why}, then 400 names "${field}"`, async () => {
        const response = await post({ ...valid, ...patch });
        assert.equal(response.status, 400, JSON.stringify(response.body));
        assert.equal(response.body.error.field, field);
        assert.match(response.body.error.message, message);
      });
    }

    it('when several fields are wrong, then the 400 lists each in details, the first also in field and message', async () => {
      const response = await post({
        ...valid,
        format: 'XLS',
        platforms: ['meta', 'myspace'],
        target_currency: 'eur',
        colour: 'red',
      });
      assert.equal(response.status, 400);
      const { error } = response.body;
      assert.deepEqual(
        error.details.map((d: { field: string; code: string }) => [d.field, d.code]),
        [
          ['format', 'invalid_field'],
          ['platforms.1', 'invalid_field'],
          ['target_currency', 'invalid_field'],
          ['colour', 'unknown_field'],
        ],
      );
      assert.equal(error.field, 'format');
      assert.equal(error.message, error.details[0].message);
      // A range problem joins the list when both dates are valid on their own.
      const range = await post({
        ...valid,
        since: '2026-05-01',
        until: '2026-03-01',
        format: 'XLS',
      });
      assert.deepEqual(
        range.body.error.details.map((d: { field: string; code: string }) => d.code),
        ['invalid_field', 'invalid_date_range'],
      );
    });

    it('when a CSV names its layout, then the job keeps it with defaults filled; old values still work', async () => {
      const shaped = await post({
        ...valid,
        dimensions: ['account', 'campaign'],
        metrics: ['spend', 'conversion_value'],
        include_currency: true,
      });
      assert.equal(shaped.status, 202, JSON.stringify(shaped.body));
      const stored = (await h.jobs.get(shaped.body.job_id))!;
      assert.deepEqual(
        [
          stored.params.dimensions,
          stored.params.granularity,
          stored.params.metrics,
          stored.params.include_currency,
        ],
        [['account', 'campaign'], 'total', ['spend', 'conversion_value'], true],
      );
      const plain = (await h.jobs.get((await post(valid)).body.job_id))!;
      assert.deepEqual(plain.params.dimensions, ['date', 'platform']);
      assert.equal(plain.params.granularity, 'day');
      assert.equal(plain.params.metrics!.length, 9);
      const daily = (await h.jobs.get(
        (await post({ ...valid, granularity: 'daily' })).body.job_id,
      ))!;
      assert.equal(daily.params.granularity, 'day');
      const pdf = (await h.jobs.get((await post({ ...valid, format: 'PDF' })).body.job_id))!;
      assert.equal(pdf.params.dimensions, undefined);
    });

    it('when the body is not JSON, then 400 without a stack trace', async () => {
      const response = await http()
        .post(EXPORT)
        .set('Authorization', `Bearer ${acme}`)
        .set('Content-Type', 'application/json')
        .send('{"since": ');
      assert.equal(response.status, 400);
      assert.equal(typeof response.body.error.message, 'string');
      assert.doesNotMatch(JSON.stringify(response.body), /at .*\.ts:\d+/);
    });
  });

  describe('jobs', () => {
    it('when an export is accepted, then 202 PENDING and EXPORT_UNIFIED_REPORT is on the queue', async () => {
      const response = await post({ ...valid, platforms: ['tiktok'] });
      assert.equal(response.status, 202);
      assert.deepEqual(Object.keys(response.body).sort(), ['job_id', 'status']);
      assert.equal(response.body.status, 'PENDING');
      const message = await eventually(async () => {
        const { Messages = [] } = await h.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: h.config.EXPORT_JOBS_QUEUE_URL,
            WaitTimeSeconds: 1,
            MaxNumberOfMessages: 10,
          }),
        );
        return Messages.map((m) => JSON.parse(m.Body!)).find(
          (m) => m.job_id === response.body.job_id,
        );
      });
      assert.equal(message.type, 'EXPORT_UNIFIED_REPORT');
      assert.equal(message.version, 1);
      assert.deepEqual(message.query.platforms, ['tiktok']);
      assert.equal(message.query.timezone, 'Europe/Berlin', 'defaults to the workspace time zone');
      assert.equal(message.workspace.name, 'Acme Outdoor GmbH');
    });

    it('when another workspace asks for a job, then 404 as if it did not exist', async () => {
      const { body } = await post(valid);
      const kumo = await h.token('ws_kumo');
      const foreign = await http()
        .get(`${EXPORT}/${body.job_id}`)
        .set('Authorization', `Bearer ${kumo}`);
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.error.code, 'job_not_found');
      const own = await http()
        .get(`${EXPORT}/${body.job_id}`)
        .set('Authorization', `Bearer ${acme}`);
      assert.equal(own.status, 200);
      assert.equal(own.body.status, 'PENDING');
      assert.equal(own.body.download_url, undefined);
    });

    it('when a range ends in the future or holds no data, then the job says so in warnings', async () => {
      const until = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
      const since = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
      const { body } = await post({ ...valid, since, until });
      const read = async () =>
        (await http().get(`${EXPORT}/${body.job_id}`).set('Authorization', `Bearer ${acme}`)).body;
      const pending = await read();
      assert.deepEqual(
        pending.warnings.map((w: { code: string }) => w.code),
        ['range_in_future'],
      );
      assert.match(pending.warnings[0].message, new RegExp(`ends on ${until}, after today`));
      const noData = { code: 'no_data', message: 'No ad data was found.' };
      await h.publishEvent({
        job_id: body.job_id,
        status: 'COMPLETED',
        warnings: [noData],
        file: {
          key: `exports/ws_acme/${body.job_id}/f.csv`,
          bytes: 10,
          rows: 0,
          sha256: 'b'.repeat(64),
          content_type: 'text/csv; charset=utf-8',
        },
      });
      await eventually(async () =>
        (await h.jobs.get(body.job_id))?.status === 'COMPLETED' ? true : undefined,
      );
      const done = await read();
      assert.deepEqual(
        done.warnings.map((w: { code: string }) => w.code),
        ['range_in_future', 'no_data'],
      );
      assert.equal(done.requested_by, 'user_test');
      const past = (await post(valid)).body;
      const pastJob = await http()
        .get(`${EXPORT}/${past.job_id}`)
        .set('Authorization', `Bearer ${acme}`);
      assert.deepEqual(pastJob.body.warnings, []);
    });

    it('when events arrive through SNS late or twice, then the status only moves forward', async () => {
      const { body } = await post(valid);
      const publish = (event: Record<string, unknown>) =>
        h.publishEvent({ job_id: body.job_id, ...event });
      const file = {
        key: `exports/ws_acme/${body.job_id}/f.csv`,
        bytes: 10,
        rows: 1,
        sha256: 'a'.repeat(64),
        content_type: 'text/csv; charset=utf-8',
      };
      await publish({ status: 'RUNNING', progress: { stage: 'aggregating', percent: 10 } });
      await publish({ status: 'COMPLETED', file });
      await publish({ status: 'COMPLETED', file });
      await publish({ status: 'RUNNING', progress: { stage: 'rendering', percent: 60 } });
      await publish({ status: 'FAILED', error: { code: 'late', message: 'late failure' } });
      const job = await eventually(async () => {
        const j = await h.jobs.get(body.job_id);
        return j?.status === 'COMPLETED' ? j : undefined;
      });
      await h.drained(h.config.EXPORT_API_EVENTS_QUEUE_URL);
      const final = (await h.jobs.get(body.job_id))!;
      assert.equal(final.status, 'COMPLETED');
      assert.deepEqual(final.file, file);
      assert.equal(final.error, null);
      assert.ok(job.started_at);

      const read = await http()
        .get(`${EXPORT}/${body.job_id}`)
        .set('Authorization', `Bearer ${acme}`);
      assert.match(read.body.download_url, /-wevion-exports\/exports\/ws_acme\/.*f\.csv\?X-Amz-/);
      assert.match(
        decodeURIComponent(read.body.download_url),
        /filename="wevion-cross-channel_2026-08-01_2026-10-29_EUR\.csv"/,
      );
      const ttl = Date.parse(read.body.expires_at) - Date.now();
      assert.ok(ttl > 890_000 && ttl <= 900_000, `expires in ~15 minutes, got ${ttl} ms`);
      assert.equal(read.body.file.filename, 'wevion-cross-channel_2026-08-01_2026-10-29_EUR.csv');
      assert.equal(read.body.file.key, undefined, 'storage keys stay private');
    });

    it('when a message lands in a dead-letter queue, then its job ends FAILED with a readable error', async () => {
      const { body } = await post(valid);
      await h.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: h.config.RENDER_JOBS_DLQ_URL,
          MessageBody: JSON.stringify({ type: 'RENDER_REPORT', job_id: body.job_id }),
        }),
      );
      const job = await eventually(async () => {
        const j = await h.jobs.get(body.job_id);
        return j?.status === 'FAILED' ? j : undefined;
      });
      assert.equal(job.error!.code, 'processing_failed');
      assert.match(job.error!.message, /renderer gave up after repeated attempts/);
    });
  });

  describe('history', () => {
    let ids: string[];
    before(async () => {
      const nova = await h.token('ws_acme');
      ids = [];
      for (const format of ['CSV', 'PDF', 'CSV'])
        ids.push((await post({ ...valid, format }, nova)).body.job_id);
    });

    it('when listed, then newest first with filters by format and status', async () => {
      const all = await http().get(`${EXPORT}?limit=100`).set('Authorization', `Bearer ${acme}`);
      assert.equal(all.status, 200);
      const created = all.body.jobs.map((j: Job) => j.created_at);
      assert.deepEqual(created, [...created].sort().reverse());
      assert.ok(
        all.body.jobs.every((j: { download_url?: string }) => j.download_url === undefined),
      );
      const pdf = await http().get(`${EXPORT}?format=PDF`).set('Authorization', `Bearer ${acme}`);
      assert.ok(pdf.body.jobs.length >= 1 && pdf.body.jobs.every((j: Job) => j.format === 'PDF'));
      const failed = await http()
        .get(`${EXPORT}?status=FAILED`)
        .set('Authorization', `Bearer ${acme}`);
      assert.ok(failed.body.jobs.length >= 1, 'the dead-letter test left a FAILED job');
      assert.ok(failed.body.jobs.every((j: Job) => j.status === 'FAILED'));
      const today = new Date().toISOString().slice(0, 10);
      const ranged = await http()
        .get(`${EXPORT}?created_from=${today}&created_to=${today}&limit=100`)
        .set('Authorization', `Bearer ${acme}`);
      assert.equal(ranged.body.jobs.length, all.body.jobs.length);
      const past = await http()
        .get(`${EXPORT}?created_to=2020-01-01`)
        .set('Authorization', `Bearer ${acme}`);
      assert.deepEqual(past.body.jobs, []);
    });

    it('when paginated, then cursors walk every job exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await http()
          .get(`${EXPORT}?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set('Authorization', `Bearer ${acme}`);
        assert.ok(page.body.jobs.length <= 2);
        seen.push(...page.body.jobs.map((j: Job) => j.job_id));
        cursor = page.body.next_cursor;
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length);
      for (const id of ids) assert.ok(seen.includes(id));
      const kumo = await http()
        .get(`${EXPORT}?limit=100`)
        .set('Authorization', `Bearer ${await h.token('ws_kumo')}`);
      assert.ok(kumo.body.jobs.length >= 1, 'ws_kumo has a history of its own');
      assert.ok(
        kumo.body.jobs.every((j: Job) => !seen.includes(j.job_id)),
        'no job of another workspace',
      );
    });

    it('when the query string is wrong, then 400 names the parameter', async () => {
      for (const [query, field] of [
        ['format=csv', 'format'],
        ['status=DONE', 'status'],
        ['limit=0', 'limit'],
        ['created_from=2026-13-01', 'created_from'],
        ['cursor=nonsense', 'cursor'],
        ['created_from=2026-02-02&created_to=2026-02-01', 'created_to'],
      ]) {
        const response = await http()
          .get(`${EXPORT}?${query}`)
          .set('Authorization', `Bearer ${acme}`);
        assert.equal(response.status, 400, query);
        assert.equal(response.body.error.field, field, query);
      }
    });
  });

  describe('on-screen summary', () => {
    const summary = (query: string, token = acme) =>
      http().get(`/api/v1/analytics/summary?${query}`).set('Authorization', `Bearer ${token}`);

    it('when the view breaks a rule, then 400 names the field like an export would', async () => {
      const long = await summary(
        'since=2026-01-01&until=2026-06-30&platforms=meta&target_currency=EUR',
      );
      assert.equal(long.status, 400);
      assert.equal(long.body.error.field, 'until');
      const unknown = await summary(
        'since=2026-06-01&until=2026-06-30&platforms=meta,myspace&target_currency=EUR',
      );
      assert.equal(unknown.body.error.field, 'platforms.1');
      // Every problem at once, as an export's 400 lists them.
      const several = await summary(
        'since=2026-06-31&until=2026-06-30&platforms=meta,myspace&target_currency=eur',
      );
      assert.deepEqual(
        several.body.error.details.map((d: { field: string }) => d.field),
        ['since', 'platforms.1', 'target_currency'],
      );
    });

    it('when report-builder cannot be reached, then 503 asks to retry; a disabled workspace gets 404', async () => {
      const down = await summary(
        'since=2026-06-01&until=2026-06-30&platforms=meta&target_currency=EUR',
      );
      assert.equal(down.status, 503);
      assert.equal(down.body.error.code, 'summary_unavailable');
      const lotus = await summary(
        'since=2026-06-01&until=2026-06-30&platforms=meta&target_currency=EUR',
        await h.token('ws_lotus'),
      );
      assert.equal(lotus.status, 404);
    });
  });

  describe('the current workspace', () => {
    const current = (token?: string) => {
      const req = http().get('/api/v1/workspaces/current');
      return token ? req.set('Authorization', `Bearer ${token}`) : req;
    };

    it('when an admin asks, then it answers the currency, zone, plan, quota use and export rights', async () => {
      const before = await current(acme);
      assert.equal(before.status, 200);
      assert.equal(before.headers['cache-control'], 'no-store');
      const now = new Date();
      assert.deepEqual(
        { ...before.body, quota: { ...before.body.quota, used: 0, remaining: 0 } },
        {
          workspace_id: 'ws_acme',
          name: 'Acme Outdoor GmbH',
          timezone: 'Europe/Berlin',
          currency: 'EUR',
          // What the server reports in: its SUPPORTED_CURRENCIES, the page's only choices.
          currencies: h.config.SUPPORTED_CURRENCIES.split(','),
          plan: { name: 'pro', label: 'Pro', exports_per_month: 200 },
          subscription: { status: 'active', active: true },
          quota: {
            limit: 200,
            used: 0,
            remaining: 0,
            resets_at: new Date(
              Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
            ).toISOString(),
          },
          features: { custom_branding: true, scheduled_exports: 10 },
          branding: { primary_color: '#0B5FFF', secondary_color: '#14B8A6' },
          user: {
            user_id: 'user_test',
            role: 'admin',
            can_export: true,
            export_blocked: null,
          },
        },
      );
      assert.equal(before.body.quota.remaining, 200 - before.body.quota.used);
      assert.equal((await post(valid)).status, 202);
      const after = (await current(acme)).body;
      assert.equal(after.quota.used, before.body.quota.used + 1);
      assert.equal(after.quota.remaining, before.body.quota.remaining - 1);
    });

    it('when a viewer or an unsubscribed workspace asks, then it says why exports are blocked', async () => {
      const viewer = (await current(await h.token('ws_acme', 'viewer'))).body;
      assert.equal(viewer.user.can_export, false);
      assert.equal(viewer.user.export_blocked.reason, 'insufficient_role');
      const nova = (await current(await h.token('ws_nova'))).body;
      assert.deepEqual(nova.subscription, { status: 'none', active: false });
      assert.equal(nova.user.export_blocked.reason, 'subscription_required');
      assert.match(nova.user.export_blocked.message, /settings\/team\/billing/);
    });

    it('when the JPY workspace asks, then its currency is JPY; a disabled one is 404, no token 401', async () => {
      const kumo = (await current(await h.token('ws_kumo'))).body;
      assert.equal(kumo.currency, 'JPY');
      assert.equal(kumo.timezone, 'Asia/Tokyo');
      assert.equal(kumo.quota.limit, 20);
      assert.equal((await current(await h.token('ws_lotus'))).status, 404);
      assert.equal((await current()).status, 401);
      const post405 = await http()
        .post('/api/v1/workspaces/current')
        .set('Authorization', `Bearer ${acme}`);
      assert.equal(post405.status, 405);
    });
  });

  describe('operations', () => {
    const ops = (path: string, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${h.ports.opsPort}${path}`, { headers });

    it('when probed on the ops port, then healthz and readyz answer, and metrics only with the ops token', async () => {
      assert.deepEqual(await (await ops('/healthz')).json(), { status: 'ok' });
      const ready = await ops('/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, {
        job_store: 'ok',
        queue: 'ok',
        bucket: 'ok',
      });
      const anonymous = await ops('/metrics');
      assert.equal(anonymous.status, 401);
      assert.doesNotMatch(await anonymous.text(), /wevion_jobs/);
      assert.equal((await ops('/metrics', { authorization: 'Bearer wrong-token' })).status, 401);
      const metrics = await (
        await ops('/metrics', { authorization: `Bearer ${OPS_TOKEN}` })
      ).text();
      assert.match(metrics, /wevion_jobs\{status="PENDING",service="export-api"\} \d+/);
      assert.match(metrics, /wevion_queue_lag_seconds_bucket/);
    });

    it('when the public port is asked for ops endpoints, then they are not there', async () => {
      for (const path of ['/metrics', '/readyz', '/healthz']) {
        const response = await http().get(path).set('Authorization', `Bearer ${acme}`);
        assert.equal(response.status, 404, path);
        assert.equal(response.body.error.code, 'not_found');
      }
    });
  });
});
