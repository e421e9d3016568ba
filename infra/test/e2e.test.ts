import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  DEFAULT_CSV_LAYOUT,
  destroyAwsClients,
  parseCsvLayout,
  todayIn,
  addDays,
  type AwsClients,
} from '@wevion/shared';
import { parse } from 'csv-parse/sync';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../services/export-api/src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../services/export-api/src/adapters/sqlite-job-store.ts';
import type { JobView } from '../../services/export-api/src/export-requests.ts';
import { LOCAL_CREDENTIALS } from '../src/local-emulators.ts';
import { freePort, startLocalSystem, type LocalSystem } from '../src/local-system.ts';
import { queueDrained } from '@wevion/testing/queues.ts';
import { expectedRows, keyOfRecord } from './independent-rows.ts';
import { excelDate, readXlsx } from '@wevion/testing/xlsx-reader.ts';

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
      new ListObjectsV2Command({
        Bucket: system.env.EXPORTS_BUCKET,
        Prefix: `datasets/ws_acme/${jobId}/`,
      }),
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

  /** The on-screen summary of the same view, through the public API. */
  async function summaryOf(body: {
    since: string;
    until: string;
    platforms: string[];
    target_currency: string;
    timezone: string;
  }) {
    const params = new URLSearchParams({ ...body, platforms: body.platforms.join(',') });
    const response = await api(`/api/v1/analytics/summary?${params}`);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as {
      currency: { minor_units: number };
      totals: { spend: number; conversion_value: number; clicks: number; impressions: number };
    };
  }

  /** Downloads a finished CSV, checks its facts, and parses it with a real CSV parser. */
  async function downloadCsv(job: JobView, filename: string) {
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job.error));
    assert.equal(job.progress!.percent, 100);
    const download = await fetch(job.download_url!);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-disposition'), `attachment; filename="${filename}"`);
    const bytes = Buffer.from(await download.arrayBuffer());
    assert.equal(bytes.length, job.file!.bytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), job.file!.sha256);
    const records = parse(bytes, { columns: true }) as Record<string, string>[];
    assert.equal(records.length, job.file!.rows);
    return { text: bytes.toString('utf8'), records };
  }

  const csvShapes = [
    {
      name: 'the default file (date, platform)',
      body: { platforms: ['meta', 'google', 'tiktok'], target_currency: 'USD' },
      filename: `wevion-cross-channel_${since}_${until}_USD.csv`,
      header: 'date,platform,spend,impressions,clicks,ctr,cpc,cpm,conversions,roas,cpa',
      rows: 30 * 3,
    },
    {
      name: 'date, platform and campaign by day, with the currency column and conversion value',
      body: {
        platforms: ['meta', 'google'],
        target_currency: 'EUR',
        dimensions: ['date', 'platform', 'campaign'],
        metrics: ['spend', 'conversion_value', 'clicks', 'impressions', 'roas'],
        include_currency: true,
      },
      filename: `wevion-cross-channel_${since}_${until}_EUR_date-platform-campaign_day.csv`,
      header:
        'date,platform,campaign_id,campaign_name,currency,spend,conversion_value,clicks,impressions,roas',
    },
    {
      name: 'account and campaign over the whole period',
      body: {
        platforms: ['meta', 'google', 'tiktok', 'linkedin'],
        target_currency: 'GBP',
        dimensions: ['account', 'campaign'],
        granularity: 'total',
        metrics: ['spend', 'conversion_value', 'clicks', 'impressions'],
      },
      filename: `wevion-cross-channel_${since}_${until}_GBP_account-campaign_total.csv`,
      header:
        'account_id,account_currency,campaign_id,campaign_name,spend,conversion_value,clicks,impressions',
    },
    {
      name: 'platform by ISO week',
      body: {
        platforms: ['google', 'meta'],
        target_currency: 'JPY',
        dimensions: ['platform', 'date'],
        granularity: 'week',
      },
      filename: `wevion-cross-channel_${since}_${until}_JPY_platform-date_week.csv`,
      header: 'platform,date,date_end,spend,impressions,clicks,ctr,cpc,cpm,conversions,roas,cpa',
    },
  ];

  for (const shape of csvShapes) {
    it(`when a CSV of ${shape.name} is exported, then every row matches an independent reading of the store and money foots to the summary`, async () => {
      const body = { since, until, timezone: 'Europe/Berlin', format: 'CSV', ...shape.body };
      const job = await exportAndWait(body);
      const { text, records } = await downloadCsv(job, shape.filename);
      assert.ok(text.startsWith(`${shape.header}\r\n`), text.slice(0, 200));
      if (shape.rows) assert.equal(records.length, shape.rows);

      const layout = parseCsvLayout({
        dimensions: body.dimensions,
        granularity: body.granularity,
        metrics: body.metrics,
        include_currency: body.include_currency,
      });
      const copy = join(dataDir, `expected-${job.job_id}.duckdb`);
      copyFileSync(insightsPath, copy);
      const expected = await expectedRows(copy, { ...body, workspace_id: 'ws_acme' }, layout);
      const summary = await summaryOf(body);
      const minor = summary.currency.minor_units;
      const unit = 10 ** -minor;

      const seen = new Set<string>();
      for (const record of records) {
        const key = keyOfRecord(record, layout);
        assert.ok(!seen.has(key), `one row per key: ${key}`);
        seen.add(key);
        const row = expected.get(key);
        if (!row) {
          // Only the date × platform grid has rows without data: zeros, never invented numbers.
          assert.ok(
            layout.dimensions.every((d) => d === 'date' || d === 'platform'),
            key,
          );
          assert.equal(Number(record.spend), 0, key);
          continue;
        }
        assert.equal(Number(record.impressions), row.impressions, key);
        assert.equal(Number(record.clicks), row.clicks, key);
        assert.ok(
          Math.abs(Number(record.spend) - row.spend) <= unit + 1e-6,
          `${key} spend ${record.spend} vs ${row.spend}`,
        );
        if (record.conversion_value !== undefined) {
          assert.ok(
            Math.abs(Number(record.conversion_value) - row.conversion_value) <= unit + 1e-6,
            key,
          );
        }
        if (record.conversions !== undefined) {
          assert.ok(Math.abs(Number(record.conversions) - row.conversions) <= 1e-6, key);
        }
        if (record.currency !== undefined) assert.equal(record.currency, body.target_currency);
        if (record.date_end !== undefined) {
          // A week row ends on its Sunday, or on the range's last day.
          const sunday = new Date(`${record.date_end}T12:00:00Z`).getUTCDay() === 0;
          assert.ok(sunday || record.date_end === until, `${key} ends ${record.date_end}`);
          assert.ok(record.date_end >= record.date! && record.date_end <= addDays(record.date!, 6));
        }
        if (row.campaign_name !== null) {
          const guarded = /^[=+\-@\t\r]/.test(row.campaign_name)
            ? `'${row.campaign_name}`
            : row.campaign_name;
          assert.equal(record.campaign_name, guarded, 'names round-trip, formula guard included');
        }
      }
      for (const key of expected.keys()) assert.ok(seen.has(key), `a row for ${key}`);

      // Totals that foot: each money column adds up to the summary's total, to the minor unit.
      const minorSum = (column: string) =>
        records.reduce((sum, r) => sum + Math.round(Number(r[column]) * 10 ** minor), 0);
      assert.equal(minorSum('spend'), Math.round(summary.totals.spend * 10 ** minor));
      if (records[0]!.conversion_value !== undefined) {
        assert.equal(
          minorSum('conversion_value'),
          Math.round(summary.totals.conversion_value * 10 ** minor),
        );
      }
      assert.equal(
        records.reduce((sum, r) => sum + Number(r.clicks), 0),
        summary.totals.clicks,
      );
    });
  }

  it('when an XLSX by campaign is exported, then it downloads as typed cells whose rows match the CSV and whose totals row is the summary', async () => {
    const body = {
      since,
      until,
      timezone: 'Europe/Berlin',
      platforms: ['meta', 'google'],
      target_currency: 'EUR',
      dimensions: ['date', 'campaign'],
      metrics: ['spend', 'clicks', 'roas', 'conversion_value'],
    };
    const xlsx = await exportAndWait({ ...body, format: 'XLSX' });
    assert.equal(xlsx.status, 'COMPLETED', JSON.stringify(xlsx.error));
    assert.equal(
      xlsx.file!.filename,
      `wevion-cross-channel_${since}_${until}_EUR_date-campaign_day.xlsx`,
    );
    assert.equal(
      xlsx.file!.content_type,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const bytes = Buffer.from(await (await fetch(xlsx.download_url!)).arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), xlsx.file!.sha256);
    const book = await readXlsx(bytes);
    const data = book.sheet('Data');
    const rows = data.rows.slice(1, -1);
    assert.equal(rows.length, xlsx.file!.rows);
    // The same export as CSV: the same rows, cell for cell.
    const csv = await exportAndWait({ ...body, format: 'CSV' });
    const { records } = await downloadCsv(csv, csv.file!.filename);
    assert.equal(records.length, rows.length);
    records.forEach((record, i) => {
      const row = rows[i]!;
      assert.equal(excelDate(row[0]!.value as number), record.date);
      assert.equal(row[1]!.value, record.campaign_id, 'the id stays text');
      assert.equal(row[3]!.value, Number(record.spend));
      assert.equal(row[4]!.value, Number(record.clicks));
    });
    const summary = await summaryOf({ ...body });
    const totals = data.rows.at(-1)!;
    assert.equal(totals[0]!.value, 'Total');
    assert.equal(totals[3]!.value, summary.totals.spend, 'spend: the on-screen total');
    assert.equal(totals[4]!.value, summary.totals.clicks);
    assert.equal(totals[6]!.value, summary.totals.conversion_value);
    const about = book.sheet('About').rows.map((r) => r.map((c) => c?.value ?? '').join(' | '));
    assert.ok(
      about.some((line) => /^Meta \| \d{4}-\d\d-\d\dT/.test(line)),
      'freshness per platform',
    );
    assert.ok(about.some((line) => line.startsWith('Exchange rates used')));
  });

  it('when a range has no data, then the CSV and the PDF complete with a no_data warning; data has none', async () => {
    // The demo store seeds the first four platforms only.
    for (const format of ['CSV', 'PDF']) {
      const empty = await exportAndWait({
        since,
        until,
        platforms: ['reddit'],
        format,
        target_currency: 'EUR',
      });
      assert.equal(empty.status, 'COMPLETED', JSON.stringify(empty.error));
      assert.deepEqual(
        empty.warnings.map((w) => w.code),
        ['no_data'],
        format,
      );
    }
    const full = await exportAndWait({
      since,
      until,
      platforms: ['meta'],
      format: 'CSV',
      target_currency: 'EUR',
    });
    assert.deepEqual(full.warnings, []);
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
    assert.equal(job.file!.filename, `wevion-cross-channel_${since}_${until}_EUR.pdf`);
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
    const { csv_bom, since: from, until: to, platforms, target_currency, timezone } = params;
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: system.env.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify({
          type: 'EXPORT_UNIFIED_REPORT',
          version: 1,
          job_id: jobId,
          workspace_id: 'ws_acme',
          format: 'CSV',
          query: {
            workspace_id: 'ws_acme',
            since: from,
            until: to,
            platforms,
            target_currency,
            timezone,
            compare_previous: true,
            top_n: 10,
          },
          csv: DEFAULT_CSV_LAYOUT,
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
        compare_previous: true,
        csv_bom: false,
        ...DEFAULT_CSV_LAYOUT,
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
      warnings: [],
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

  describe('the export CLI (npm run export)', () => {
    const cli = (args: string[], cwd = root) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          // The loader by its path: the CLI may run in a folder that has no node_modules.
          [
            '--import',
            import.meta.resolve('tsx'),
            join(root, 'services/export-api/src/cli/export.ts'),
            ...args,
          ],
          { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const target = () => ['--api', system.apiUrl, '--token', system.tokens.ws_acme!];
    const period = ['--since', since, '--until', until, '--platforms', 'meta,google'];

    it('when asked for --help, then it prints the options and exits 0', async () => {
      const { code, stdout } = await cli(['--help']);
      assert.equal(code, 0);
      assert.match(stdout, /^Usage: npm run export/);
      assert.match(stdout, /--out DIR .*default \.\/exports/);
    });

    it('when --out names folders that do not exist, then they are made and the file saved there; the default is ./exports', async () => {
      const work = mkdtempSync(join(dataDir, 'cli-'));
      const nested = join(work, 'clients', 'acme', '2026');
      const named = await cli([...target(), ...period, '--currency', 'EUR', '--out', nested]);
      assert.equal(named.code, 0, named.stderr);
      const saved = readdirSync(nested);
      assert.equal(saved.length, 1);
      assert.match(saved[0]!, /\.csv$/);
      assert.match(named.stdout, /Saved .*clients\/acme\/2026/);
      const byDefault = await cli([...target(), ...period, '--currency', 'EUR'], work);
      assert.equal(byDefault.code, 0, byDefault.stderr);
      assert.equal(readdirSync(join(work, 'exports')).length, 1);
    });

    it('when the range ends in the future, then the file is saved and the job’s warning printed in the report’s date style', async () => {
      const work = mkdtempSync(join(dataDir, 'cli-'));
      const today = new Date().toISOString().slice(0, 10);
      const future = ['--since', addDays(today, -2), '--until', addDays(today, 3)];
      const result = await cli(
        [...target(), ...future, '--platforms', 'meta', '--currency', 'EUR'],
        work,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Saved .* \(\d[\d,]* rows, \d+(\.\d)? (KB|MB)\)/);
      assert.match(
        result.stdout,
        /\nWarning: The range ends on \d{1,2} [A-Z][a-z]+ \d{4}, after today/,
      );
    });

    it('when literals come in lowercase and no currency is named, then it exports in the workspace’s currency', async () => {
      const work = mkdtempSync(join(dataDir, 'cli-'));
      const result = await cli([...target(), ...period, '--format', 'pdf'], work);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /Saved .*_EUR\.pdf \(\d+(\.\d)? (KB|MB)\)/,
        'a PDF has no row count',
      );
      const lower = await cli([...target(), ...period, '--currency', 'eur'], work);
      assert.equal(lower.code, 0, lower.stderr);
    });

    it('when several fields are wrong or the workspace is unknown, then one line names them all', async () => {
      const refused = await cli([
        ...target(),
        '--since',
        since,
        '--until',
        until,
        '--platforms',
        'meta,myspace',
        '--currency',
        'ZZZ',
        '--format',
        'XLS',
      ]);
      assert.equal(refused.code, 1);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
      for (const field of ['format', 'platforms(?:\\.1)?', 'target_currency'])
        assert.match(refused.stderr, new RegExp(`${field}: `), field);
      const local = join(mkdtempSync(join(dataDir, 'cli-')), 'local.json');
      writeFileSync(
        local,
        JSON.stringify({ api_url: system.apiUrl, tokens: { ws_acme: 't', ws_kumo: 't' } }),
      );
      const unknown = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            import.meta.resolve('tsx'),
            join(root, 'services/export-api/src/cli/export.ts'),
            ...period,
            '--workspace',
            'ws_foo',
          ],
          { env: { ...process.env, WEVION_LOCAL: local }, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
      assert.equal(unknown.code, 1);
      assert.equal(
        unknown.stderr.trim(),
        'export: unknown workspace "ws_foo"; the running system knows ws_acme, ws_kumo.',
      );
    });

    it('when the input is bad or the API unreachable, then it says so in one line, without a stack', async () => {
      const refused = await cli([...target(), ...period, '--currency', 'EUR', '--format', 'XLS']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^export: export refused \(400\): format: /);
      const unknown = await cli(['--colour', 'red']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^export: Unknown option '--colour'\. Run with --help/);
      // A port nothing listens on.
      const closed = `http://127.0.0.1:${await freePort()}`;
      const gone = await cli([...period, '--currency', 'EUR', '--api', closed, '--token', 'x']);
      assert.equal(gone.code, 1);
      assert.equal(
        gone.stderr.trim(),
        `export: cannot reach ${closed} (ECONNREFUSED). Is "npm start" running?`,
      );
      for (const { stderr } of [refused, unknown, gone]) {
        assert.equal(stderr.trim().split('\n').length, 1, stderr);
        assert.doesNotMatch(stderr, /\n\s+at /);
      }
    });
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
