import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  destroyAwsClients,
  parseReportQuery,
  todayIn,
  addDays,
  type AwsClients,
} from '@wevion/shared';
import { parse } from 'csv-parse/sync';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../services/export-api/src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../services/export-api/src/adapters/sqlite-job-store.ts';
import { DuckDbInsightsStore } from '../../services/report-builder/src/adapters/duckdb-insights-store.ts';
import { aggregateReport } from '../../services/report-builder/src/aggregate-report.ts';
import type { JobView } from '../../services/export-api/src/export-requests.ts';
import { LOCAL_CREDENTIALS } from '../src/local-emulators.ts';
import { queueDrained, startLocalSystem, type LocalSystem } from '../src/local-system.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('the export pipeline end to end (three services, emulators, real protocols)', function () {
  this.timeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'wevion-e2e-'));
  const insightsPath = join(dataDir, 'insights.duckdb');
  const logs: string[] = [];
  let system: LocalSystem;
  let clients: AwsClients;
  const until = addDays(todayIn('UTC'), -1);
  const since = addDays(until, -29);

  before(async () => {
    system = await startLocalSystem({
      root,
      dataDir,
      jwtSecret: 'e2e-secret-e2e-secret-e2e-secret-e2e!',
      insightsPath,
      seedArgs: ['--workspaces', '2', '--platforms', '4', '--campaigns', '3', '--days', '90'],
      queueOverrides: { 'export-jobs': { maxReceiveCount: 2, visibilityTimeoutSeconds: 5 } },
      env: { QUEUE_WAIT_SECONDS: '1', RECONCILE_INTERVAL_SECONDS: '3600', LOG_LEVEL: 'info' },
      onLog: (service, line) => logs.push(`[${service}] ${line}`),
    });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...system.env }, LOCAL_CREDENTIALS);
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' || process.env.E2E_LOGS)
      console.log(logs.slice(-60).join('\n'));
    destroyAwsClients(clients);
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const opsAuth = () => ({ authorization: `Bearer ${system.opsToken}` });
  const api = (path: string, init: RequestInit = {}, token = system.tokens.ws_acme!) =>
    fetch(`${system.apiUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  async function exportAndWait(body: Record<string, unknown>) {
    const accepted = await api('/api/v1/analytics/export', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const { job_id: jobId } = (await accepted.json()) as { job_id: string };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = (await (await api(`/api/v1/analytics/export/${jobId}`)).json()) as JobView;
      if (job.status === 'COMPLETED' || job.status === 'FAILED') return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Every queue of the pipeline, in order, holds nothing: each message sent so far was handled. */
  async function settled() {
    for (const queue of [
      'EXPORT_JOBS_QUEUE_URL',
      'RENDER_JOBS_QUEUE_URL',
      'EXPORT_API_EVENTS_QUEUE_URL',
    ])
      await queueDrained(clients.sqs, system.env[queue]!);
  }

  async function datasetKeyOf(jobId: string): Promise<string> {
    const { Contents = [] } = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: system.env.EXPORTS_BUCKET, Prefix: `datasets/${jobId}/` }),
    );
    assert.ok(Contents[0]?.Key, 'the job left its dataset');
    return Contents[0].Key;
  }

  /** The job still names its first file, a fresh link downloads exactly it, and no other is left. */
  async function assertOneFileMatching(job: JobView) {
    const again = (await (await api(`/api/v1/analytics/export/${job.job_id}`)).json()) as JobView;
    assert.equal(again.file!.sha256, job.file!.sha256);
    const bytes = Buffer.from(await (await fetch(again.download_url!)).arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), job.file!.sha256);
    const { Contents = [] } = await clients.s3.send(
      new ListObjectsV2Command({
        Bucket: system.env.EXPORTS_BUCKET,
        Prefix: `exports/ws_acme/${job.job_id}/`,
      }),
    );
    assert.equal(Contents.length, 1, 'the duplicate render left no second file');
  }

  it('when a CSV export is requested, then it completes and downloads the engine’s exact numbers', async () => {
    const body = {
      since,
      until,
      platforms: ['meta', 'google', 'tiktok'],
      format: 'CSV',
      target_currency: 'USD',
      timezone: 'Europe/Berlin',
    };
    const job = await exportAndWait(body);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job.error));
    assert.equal(job.progress!.percent, 100);

    const download = await fetch(job.download_url!);
    assert.equal(download.status, 200);
    assert.equal(
      download.headers.get('content-disposition'),
      `attachment; filename="wevion-cross-channel_${since}_${until}.csv"`,
    );
    const bytes = Buffer.from(await download.arrayBuffer());
    assert.equal(bytes.length, job.file!.bytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), job.file!.sha256);
    const records = parse(bytes, { columns: true }) as Record<string, string>[];
    assert.equal(records.length, job.file!.rows);

    // The same query through the engine, on a copy of the store (DuckDB locks the service's file).
    const copy = join(dataDir, 'expected.duckdb');
    copyFileSync(insightsPath, copy);
    const store = await DuckDbInsightsStore.open(copy);
    try {
      const { format: _format, ...query } = body;
      const expected = await aggregateReport(
        store,
        parseReportQuery(
          { ...query, workspace_id: 'ws_acme' },
          { currencies: await store.fxCurrencies() },
        ),
      );
      assert.equal(records.length, expected.rows.length);
      assert.equal(records.length, 30 * 3);
      expected.rows.forEach((row, i) => {
        const csv = records[i]!;
        assert.equal(csv.date, row.date);
        assert.equal(csv.platform, row.platform);
        assert.equal(csv.spend, row.spend.toFixed(2));
        assert.equal(Number(csv.impressions), row.impressions);
        assert.equal(Number(csv.clicks), row.clicks);
        assert.equal(Number(csv.conversions), Number(row.conversions.toFixed(6)));
        assert.equal(csv.cpc, row.cpc === null ? '' : row.cpc.toFixed(4));
      });
      const csvSpend = records.reduce((sum, r) => sum + Math.round(Number(r.spend) * 100), 0);
      assert.ok(Math.abs(csvSpend - Math.round(expected.totals.spend * 100)) <= records.length / 2);
    } finally {
      await store.close();
    }
  });

  it('when a PDF is requested, then a branded report completes and downloads', async () => {
    const job = await exportAndWait({
      since,
      until,
      platforms: ['meta', 'google'],
      format: 'PDF',
      target_currency: 'EUR',
    });
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job.error));
    assert.equal(job.file!.content_type, 'application/pdf');
    assert.equal(job.file!.filename, `wevion-cross-channel_${since}_${until}.pdf`);
    const download = await fetch(job.download_url!);
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await download.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    assert.equal(createHash('sha256').update(bytes).digest('hex'), job.file!.sha256);
    assert.match(bytes.toString('latin1'), /NotoSans/);

    // A redelivered RENDER_REPORT renders again, but must not replace the file the job points at.
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: system.env.RENDER_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify({
          type: 'RENDER_REPORT',
          version: 1,
          job_id: job.job_id,
          workspace_id: 'ws_acme',
          format: 'PDF',
          dataset_key: await datasetKeyOf(job.job_id),
          options: { csv_bom: false },
          workspace: { name: 'Acme Outdoor GmbH', branding: null },
        }),
      }),
    );
    await settled();
    await assertOneFileMatching(job);
  });

  it('when the same export message is delivered again, then the job does not change: still COMPLETED, same file', async () => {
    const job = await exportAndWait({
      since,
      until,
      platforms: ['google'],
      format: 'CSV',
      target_currency: 'EUR',
    });
    assert.equal(job.status, 'COMPLETED');
    const { job_id: jobId, params } = job;
    const { csv_bom, ...query } = params;
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: system.env.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify({
          type: 'EXPORT_UNIFIED_REPORT',
          version: 1,
          job_id: jobId,
          workspace_id: 'ws_acme',
          format: 'CSV',
          query: { workspace_id: 'ws_acme', ...query, top_n: 10, include_campaigns: false },
          options: { csv_bom },
          workspace: { name: 'Acme Outdoor GmbH', branding: null },
          requested_at: job.created_at,
        }),
      }),
    );
    await settled();
    const again = (await (await api(`/api/v1/analytics/export/${jobId}`)).json()) as JobView;
    assert.equal(again.status, 'COMPLETED');
    assert.equal(again.completed_at, job.completed_at);
    await assertOneFileMatching(job);
  });

  it('when a poison message reaches report-builder, then it dead-letters and its job ends FAILED', async () => {
    const db = openSqlite(join(dataDir, 'export-api.sqlite'));
    const jobs = new SqliteJobStore(db);
    const jobId = randomUUID();
    const now = new Date().toISOString();
    await jobs.create({
      job_id: jobId,
      workspace_id: 'ws_acme',
      requested_by: 'user_demo',
      status: 'PENDING',
      format: 'CSV',
      params: {
        since,
        until,
        platforms: ['meta'],
        target_currency: 'EUR',
        timezone: 'UTC',
        granularity: 'daily',
        compare_previous: true,
        csv_bom: false,
      },
      progress: { stage: 'queued', percent: 0 },
      file: null,
      error: null,
      created_at: now,
      started_at: null,
      completed_at: null,
      updated_at: now,
      enqueue_attempts: 1,
      last_enqueued_at: now,
    });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: system.env.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify({ type: 'EXPORT_UNIFIED_REPORT', version: 99, job_id: jobId }),
      }),
    );
    const deadline = Date.now() + 60_000;
    let job = await jobs.get(jobId);
    while (job!.status !== 'FAILED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await jobs.get(jobId);
    }
    await jobs.close();
    assert.equal(job!.status, 'FAILED');
    assert.equal(job!.error!.code, 'processing_failed');
    assert.match(job!.error!.message, /report-builder gave up/);
  });

  it('when every service is probed, then each is ready and serves metrics', async () => {
    for (const [name, url] of Object.entries(system.opsUrls)) {
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200, name);
      assert.equal((await fetch(`${url}/metrics`)).status, 401, `${name} metrics need the token`);
      const metrics = await (await fetch(`${url}/metrics`, { headers: opsAuth() })).text();
      assert.match(metrics, new RegExp(`service="${name}"`));
    }
    const builderMetrics = await (
      await fetch(`${system.opsUrls['report-builder']}/metrics`, { headers: opsAuth() })
    ).text();
    assert.match(
      builderMetrics,
      /wevion_stage_duration_seconds_count\{[^}]*stage="aggregate"[^}]*\} [1-9]/,
    );
  });
});
