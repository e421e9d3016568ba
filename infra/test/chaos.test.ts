import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import {
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import {
  addDays,
  createAwsClients,
  destroyAwsClients,
  todayIn,
  type AwsClients,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../services/export-api/src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../services/export-api/src/adapters/sqlite-job-store.ts';
import type { JobView } from '../../services/export-api/src/export-requests.ts';
import { job as jobRow } from '../../services/export-api/test/factories.ts';
import { LOCAL_CREDENTIALS } from '../src/local-emulators.ts';
import { startLocalSystem, type LocalSystem } from '../src/local-system.ts';
import { queueDrained } from '@wevion/testing/queues.ts';
import { eventually } from '@wevion/testing/polling.ts';

const root = new URL('../../', import.meta.url).pathname;
/** The bound: a crashed worker's job is finished by its replacement within this. */
const RECOVERY_BUDGET_MS = 45_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Chaos on the whole system with production queue settings (30 s visibility, renewed by a
 * heartbeat): workers killed mid-job, every message type delivered twice and out of order, and a
 * poison date. Every job must end COMPLETED or FAILED, and every COMPLETED file must match its
 * job's sha256.
 */
describe('chaos: crashes, duplicates and poison on the running system', function () {
  this.timeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'wevion-chaos-'));
  let system: LocalSystem;
  let clients: AwsClients;
  const logs: string[] = [];
  const lastDay = addDays(todayIn('UTC'), -1);
  const since = addDays(lastDay, -13);

  before(async () => {
    system = await startLocalSystem({
      root,
      dataDir,
      jwtSecret: 'chaos-secret-chaos-secret-chaos-secret!',
      insightsPath: join(dataDir, 'insights.duckdb'),
      seedArgs: ['--workspaces', '1', '--platforms', '3', '--campaigns', '3', '--days', '40'],
      // Long polls as in production: a frozen worker is always inside one, so a message sent
      // while it is frozen is handed to it (received, in flight) and lost with it when killed.
      env: { RECONCILE_INTERVAL_SECONDS: '3600', LOG_LEVEL: 'info' },
      onLog: (service, line) => logs.push(`[${service}] ${line}`),
    });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...system.env }, LOCAL_CREDENTIALS);
  });

  after(async function () {
    if (this.currentTest?.state === 'failed') console.log(logs.slice(-80).join('\n'));
    destroyAwsClients(clients);
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${system.apiUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${system.tokens.ws_acme}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  const getJob = async (jobId: string) =>
    (await (await api(`/api/v1/analytics/export/${jobId}`)).json()) as JobView;
  const submit = async (format: 'CSV' | 'PDF') => {
    const response = await api('/api/v1/analytics/export', {
      method: 'POST',
      body: JSON.stringify({
        since,
        until: lastDay,
        platforms: ['meta', 'google'],
        format,
        target_currency: 'EUR',
      }),
    });
    assert.equal(response.status, 202);
    return ((await response.json()) as { job_id: string }).job_id;
  };
  const inFlight = async (queue: string) => {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: system.env[queue],
        AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };
  const ended = (jobId: string, timeoutMs: number) =>
    eventually(async () => {
      const job = await getJob(jobId);
      return job.status === 'COMPLETED' || job.status === 'FAILED' ? job : undefined;
    }, timeoutMs);
  const childrenOf = async (pid: number) => {
    const { execFileSync } = await import('node:child_process');
    try {
      return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };

  let crashedCsv: string;
  let crashedPdf: string;

  it('when each worker is killed holding a job, then a restarted one completes it within 45 s and Chromium dies with its renderer', async () => {
    // The renderer takes a PDF job and freezes holding it.
    system.freeze('renderer', true);
    crashedPdf = await submit('PDF');
    await eventually(
      async () => ((await inFlight('RENDER_JOBS_QUEUE_URL')) === 1 ? true : undefined),
      20_000,
    );
    // report-builder takes a CSV job and freezes holding it (once it has let go of the PDF's).
    await queueDrained(clients.sqs, system.env.EXPORT_JOBS_QUEUE_URL!);
    system.freeze('report-builder', true);
    crashedCsv = await submit('CSV');
    await eventually(
      async () => ((await inFlight('EXPORT_JOBS_QUEUE_URL')) === 1 ? true : undefined),
      20_000,
    );

    const chromium = await childrenOf(system.pid('renderer')!);
    assert.ok(chromium.length > 0, 'the renderer runs a Chromium');
    const crashedAt = Date.now();
    await Promise.all([system.kill('renderer'), system.kill('report-builder')]);
    await eventually(async () => (chromium.some(alive) ? undefined : true), 15_000);

    await Promise.all([system.restart('renderer'), system.restart('report-builder')]);
    const [csv, pdf] = await Promise.all([
      ended(crashedCsv, RECOVERY_BUDGET_MS),
      ended(crashedPdf, RECOVERY_BUDGET_MS),
    ]);
    const recoveredIn = Date.now() - crashedAt;
    assert.equal(csv.status, 'COMPLETED', JSON.stringify(csv.error));
    assert.equal(pdf.status, 'COMPLETED', JSON.stringify(pdf.error));
    assert.ok(recoveredIn <= RECOVERY_BUDGET_MS, `recovered in ${recoveredIn} ms`);
  });

  it('when every message type arrives twice and out of order, then finished jobs keep their one file', async () => {
    const pdf = await getJob(crashedPdf);
    const { Contents = [] } = await clients.s3.send(
      new ListObjectsV2Command({
        Bucket: system.env.EXPORTS_BUCKET,
        Prefix: `datasets/ws_acme/${crashedPdf}/`,
      }),
    );
    const datasetKey = Contents[0]!.Key!;
    const workspace = { name: 'Acme Outdoor GmbH', branding: null };
    const messages: [string, unknown][] = [
      [
        'EXPORT_API_EVENTS_QUEUE_URL',
        {
          type: 'JOB_EVENT',
          version: 1,
          job_id: crashedPdf,
          workspace_id: 'ws_acme',
          status: 'FAILED',
          at: new Date().toISOString(),
          error: { code: 'late', message: 'a late failure' },
        },
      ],
      [
        'RENDER_JOBS_QUEUE_URL',
        {
          type: 'RENDER_REPORT',
          version: 1,
          job_id: crashedPdf,
          workspace_id: 'ws_acme',
          format: 'PDF',
          dataset_key: datasetKey,
          options: { csv_bom: false },
          workspace,
        },
      ],
      [
        'EXPORT_JOBS_QUEUE_URL',
        {
          type: 'EXPORT_UNIFIED_REPORT',
          version: 1,
          job_id: crashedPdf,
          workspace_id: 'ws_acme',
          format: 'PDF',
          query: {
            workspace_id: 'ws_acme',
            ...pdf.params,
            csv_bom: undefined,
            top_n: 10,
          },
          csv: null,
          options: { csv_bom: false },
          workspace,
          requested_at: pdf.created_at,
        },
      ],
      [
        'EXPORT_API_EVENTS_QUEUE_URL',
        {
          type: 'JOB_EVENT',
          version: 1,
          job_id: crashedPdf,
          workspace_id: 'ws_acme',
          status: 'RUNNING',
          at: new Date().toISOString(),
          progress: { stage: 'aggregating', percent: 10 },
        },
      ],
    ];
    for (const [queue, body] of [...messages, ...messages]) {
      await clients.sqs.send(
        new SendMessageCommand({ QueueUrl: system.env[queue], MessageBody: JSON.stringify(body) }),
      );
    }
    for (const queue of [
      'EXPORT_JOBS_QUEUE_URL',
      'RENDER_JOBS_QUEUE_URL',
      'EXPORT_API_EVENTS_QUEUE_URL',
    ])
      await queueDrained(clients.sqs, system.env[queue]!, 60_000);

    const after = await getJob(crashedPdf);
    assert.equal(after.status, 'COMPLETED');
    assert.equal(after.completed_at, pdf.completed_at);
    assert.equal(after.file!.sha256, pdf.file!.sha256);
    const files = await clients.s3.send(
      new ListObjectsV2Command({
        Bucket: system.env.EXPORTS_BUCKET,
        Prefix: `exports/ws_acme/${crashedPdf}/`,
      }),
    );
    assert.equal(files.Contents?.length, 1, 'no second file is left behind');
  });

  it('when a queued export names a poison date, then its job ends FAILED and the workers stay healthy', async () => {
    const jobs = new SqliteJobStore(openSqlite(join(dataDir, 'export-api.sqlite')));
    const poisoned = jobRow({ workspace_id: 'ws_acme' });
    await jobs.create(poisoned);
    await jobs.close();
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: system.env.EXPORT_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify({
          type: 'EXPORT_UNIFIED_REPORT',
          version: 1,
          job_id: poisoned.job_id,
          workspace_id: 'ws_acme',
          format: 'CSV',
          query: {
            workspace_id: 'ws_acme',
            since: '9999-12-31',
            until: '9999-12-31',
            platforms: ['meta'],
            target_currency: 'EUR',
            timezone: 'UTC',
          },
          csv: null,
          options: { csv_bom: false },
          workspace: { name: 'Acme Outdoor GmbH', branding: null },
          requested_at: poisoned.created_at,
        }),
      }),
    );
    const job = await ended(poisoned.job_id, 15_000);
    assert.equal(job.status, 'FAILED');
    assert.match(job.error!.message, /between 2000-01-01 and 2099-12-31/);
    for (const url of Object.values(system.opsUrls)) {
      assert.equal((await fetch(`${url}/healthz`)).status, 200, url);
    }
  });

  it('when the dust settles, then every job is COMPLETED or FAILED and every file matches its sha256', async () => {
    const { jobs } = (await (await api('/api/v1/analytics/export?limit=100')).json()) as {
      jobs: JobView[];
    };
    assert.ok(jobs.length >= 3);
    const completed = jobs.filter((j) => j.status === 'COMPLETED');
    assert.ok(completed.length >= 2);
    assert.deepEqual(
      jobs.filter((j) => j.status !== 'COMPLETED' && j.status !== 'FAILED').map((j) => j.job_id),
      [],
    );
    for (const { job_id: jobId } of completed) {
      const job = await getJob(jobId);
      const bytes = Buffer.from(await (await fetch(job.download_url!)).arrayBuffer());
      assert.equal(createHash('sha256').update(bytes).digest('hex'), job.file!.sha256, jobId);
    }
  });

  it('when the SQS emulator forgets every queue and the topic (a restart), then the launcher provisions them again and exports complete', async function () {
    this.timeout(150_000);
    const { QueueUrls = [] } = await clients.sqs.send(new ListQueuesCommand({}));
    assert.ok(QueueUrls.length >= 6);
    await Promise.all(
      QueueUrls.map((QueueUrl) => clients.sqs.send(new DeleteQueueCommand({ QueueUrl }))),
    );
    await clients.sns.send(
      new DeleteTopicCommand({ TopicArn: system.env.EXPORT_EVENTS_TOPIC_ARN }),
    );
    await eventually(
      async () =>
        logs.some((l) => l.includes('Queues, topic and subscriptions are back')) ? true : undefined,
      20_000,
    );
    const { QueueUrls: after = [] } = await clients.sqs.send(new ListQueuesCommand({}));
    assert.deepEqual([...after].sort(), [...QueueUrls].sort(), 'the same queues at the same URLs');
    // The workers' consumers back off while their queue is missing (up to 30 s each) and
    // resume on the same URLs.
    const healed = await ended(await submit('CSV'), 100_000);
    assert.equal(healed.status, 'COMPLETED', JSON.stringify(healed.error));
  });
});
