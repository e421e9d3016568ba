import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { queueDrained } from '@wevion/testing/queues.ts';
import { LOCAL_CREDENTIALS, startLocalEmulators } from '@wevion/infra/local-emulators.ts';
import { jobEventReader } from '@wevion/testing/polling.ts';
import { provision } from '@wevion/infra/provision.ts';
import {
  createAwsClients,
  DEFAULT_CSV_LAYOUT,
  createLogger,
  createMetrics,
  destroyAwsClients,
  markCancelled,
  signInternalToken,
  SUMMARY_AUDIENCE,
  type AwsClients,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoInsights } from '../src/adapters/duckdb-demo-seeder.ts';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import { createAwsAdapters } from '../src/adapters/aws-adapters.ts';
import { createApp } from '../src/app.ts';
import { loadReportBuilderConfig } from '../src/config.ts';
import type { InsightsStore } from '../src/ports.ts';

const SECRET = 'internal-secret-between-the-services-only!';

/** report-builder in-process on real emulators, over a small seeded DuckDB store. */
describe('report-builder service', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'wevion-rb-'));
  let clients: AwsClients;
  let emulators: Awaited<ReturnType<typeof startLocalEmulators>>;
  let resources: Record<string, string>;
  let store: DuckDbInsightsStore;
  /** The job events of the app started last. */
  let nextEvent: ReturnType<typeof jobEventReader>;
  const apps: ReturnType<typeof createApp>[] = [];

  before(async () => {
    emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory: dir });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...emulators.env }, LOCAL_CREDENTIALS);
    store = await DuckDbInsightsStore.open(':memory:');
    await seedDemoInsights(store, {
      seed: 3,
      workspaces: 2,
      platforms: 2,
      campaignsPerPlatform: 3,
      days: 60,
      endDate: '2026-09-30',
      dense: false,
    });
  });

  after(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await store.close();
    destroyAwsClients(clients);
    await emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh set of queues per app, so each test reads only its own events. */
  async function start(env: Record<string, string> = {}, insights: InsightsStore = store) {
    ({ env: resources } = await provision(clients, { prefix: `rb${randomUUID().slice(0, 6)}-` }));
    nextEvent = jobEventReader(clients.sqs, resources.EXPORT_API_EVENTS_QUEUE_URL!);
    const config = loadReportBuilderConfig({
      ...emulators.env,
      ...resources,
      INTERNAL_TOKEN_SECRET: SECRET,
      OPS_TOKEN: 'ops-token-for-prometheus',
      QUEUE_WAIT_SECONDS: '1',
      LOG_LEVEL: 'silent',
      ...env,
    });
    const logger = createLogger('report-builder-test', 'silent');
    const metrics = createMetrics('report-builder');
    const app = createApp(config, {
      store: insights,
      ...createAwsAdapters(config, clients, { logger, metrics }),
      logger,
      metrics,
    });
    apps.push(app);
    return `http://127.0.0.1:${await app.start(0)}`;
  }

  const summaryQuery = {
    since: '2026-09-01',
    until: '2026-09-07',
    platforms: ['meta', 'google'],
    target_currency: 'EUR',
  };
  const summary = (url: string, body: unknown, token?: string) =>
    fetch(`${url}/internal/summary`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const exportMessage = (query: Record<string, unknown>) => ({
    type: 'EXPORT_UNIFIED_REPORT',
    version: 1,
    job_id: randomUUID(),
    workspace_id: 'ws_acme',
    format: 'CSV',
    query: {
      workspace_id: 'ws_acme',
      ...summaryQuery,
      timezone: 'UTC',
      compare_previous: true,
      top_n: 10,
      ...query,
    },
    csv: DEFAULT_CSV_LAYOUT,
    options: { csv_bom: false },
    workspace: { name: 'Acme', branding: null },
    requested_at: new Date().toISOString(),
  });

  it('when the internal summary is called without a valid service token, then 401; the token decides the workspace', async () => {
    const url = await start();
    assert.equal((await summary(url, summaryQuery)).status, 401);
    const forged = await signInternalToken('x'.repeat(40), SUMMARY_AUDIENCE, 'ws_acme');
    assert.equal((await summary(url, summaryQuery, forged)).status, 401);
    const otherAudience = await signInternalToken(SECRET, 'renderer', 'ws_acme');
    assert.equal((await summary(url, summaryQuery, otherAudience)).status, 401);

    const acme = await signInternalToken(SECRET, SUMMARY_AUDIENCE, 'ws_acme');
    const nova = await signInternalToken(SECRET, SUMMARY_AUDIENCE, 'ws_nova');
    const own = await summary(url, summaryQuery, acme);
    assert.equal(own.status, 200);
    const smuggled = await summary(url, { ...summaryQuery, workspace_id: 'ws_acme' }, nova);
    assert.equal(smuggled.status, 200);
    type Summary = { totals: { spend: number } };
    const [a, n] = [(await own.json()) as Summary, (await smuggled.json()) as Summary];
    assert.ok(a.totals.spend > 0 && n.totals.spend > 0);
    assert.notEqual(a.totals.spend, n.totals.spend, 'the body cannot pick the workspace');
  });

  it('when the summary body is oversized, broken or a poison date, then a 4xx in the {error} shape', async () => {
    const url = await start();
    const token = await signInternalToken(SECRET, SUMMARY_AUDIENCE, 'ws_acme');
    const big = await summary(url, { ...summaryQuery, padding: 'x'.repeat(20_000) }, token);
    assert.equal(big.status, 413);
    const broken = await summary(url, '{"since":', token);
    assert.equal(broken.status, 400);
    const started = Date.now();
    const poison = await summary(
      url,
      { ...summaryQuery, since: '9999-12-31', until: '9999-12-31' },
      token,
    );
    assert.equal(poison.status, 400);
    assert.equal(((await poison.json()) as { error: { field: string } }).error.field, 'since');
    assert.ok(Date.now() - started < 2000, 'answered at once');
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/nowhere`)).status, 404);
  });

  it('when an export names a poison date, then its job ends FAILED at once and the worker stays healthy', async () => {
    const url = await start();
    const message = exportMessage({ since: '9999-12-31', until: '9999-12-31' });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify(message),
      }),
    );
    const failed = await nextEvent((e) => e.job_id === message.job_id && e.status === 'FAILED');
    assert.match(failed.error!.message, /between 2000-01-01 and 2099-12-31/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });

  it('when a job is cancelled while it aggregates, then nothing goes on to render and no event follows', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: InsightsStore = Object.assign(Object.create(store) as InsightsStore, {
      aggregate: async (...args: Parameters<InsightsStore['aggregate']>) => {
        await gate;
        return store.aggregate(...args);
      },
    });
    await start({}, slow);
    const message = { ...exportMessage({}), format: 'PDF', csv: null };
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify(message),
      }),
    );
    await nextEvent((e) => e.job_id === message.job_id && e.status === 'RUNNING');
    await markCancelled(clients.s3, resources.EXPORTS_BUCKET!, message.job_id, new Date());
    release();
    await queueDrained(clients.sqs, resources.EXPORT_JOBS_QUEUE_URL!);
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: resources.RENDER_JOBS_QUEUE_URL,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    assert.equal(Attributes!.ApproximateNumberOfMessages, '0', 'no RENDER_REPORT sent');
    // A second job, not cancelled, shows the worker still renders on: its event is the next.
    const next = exportMessage({});
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify(next),
      }),
    );
    await nextEvent((e) => e.job_id === next.job_id);
    // Nothing after its first RUNNING: no "rendering" step, no FAILED or COMPLETED of its own.
    await assert.rejects(
      nextEvent(
        (e) =>
          e.job_id === message.job_id &&
          (e.status !== 'RUNNING' || e.progress?.stage !== 'aggregating'),
        1_500,
      ),
    );
  });

  it('when aggregating outlives the handler time limit, then the job ends FAILED with a timeout', async () => {
    const never = () => new Promise<never>(() => {});
    const stalled: InsightsStore = Object.assign(Object.create(store) as InsightsStore, {
      aggregate: never,
      exportGroups: () => ({ [Symbol.asyncIterator]: () => ({ next: never }) }),
    });
    await start({ HANDLER_TIMEOUT_SECONDS: '1' }, stalled);
    const message = exportMessage({});
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify(message),
      }),
    );
    const failed = await nextEvent((e) => e.job_id === message.job_id && e.status === 'FAILED');
    assert.equal(failed.error!.code, 'timeout');
    assert.match(failed.error!.message, /longer than 1 seconds/);
  });
});
