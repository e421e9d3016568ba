import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, startLocalEmulators } from '@wevion/infra/local-emulators.ts';
import { jobEventReader } from '@wevion/testing/polling.ts';
import { provision } from '@wevion/infra/provision.ts';
import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  markCancelled,
  type AwsClients,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChromiumPdfPrinter } from '../src/adapters/chromium-pdf-printer.ts';
import { createAwsAdapters } from '../src/adapters/aws-adapters.ts';
import { createApp } from '../src/app.ts';
import { loadRendererConfig } from '../src/config.ts';
import type { PdfPrinter } from '../src/ports.ts';
import { renderExport } from '../src/render-export.ts';
import { campaignRowsHeader, fixtureDataset, renderMessage as message } from './datasets.ts';

/** A printer fake: these tests are about the service around it, not about Chromium. */
const fakePrinter: PdfPrinter = {
  warmUp: async () => {},
  print: async () => Buffer.from('%PDF-1.7 fake'),
  close: async () => {},
};

describe('renderer service', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'wevion-renderer-'));
  let clients: AwsClients;
  let emulators: Awaited<ReturnType<typeof startLocalEmulators>>;
  let resources: Record<string, string>;
  let app: ReturnType<typeof createApp>;
  let adapters: ReturnType<typeof createAwsAdapters>;
  /** One reader for the suite: events read while waiting for one are kept for the next. */
  let nextEvent: ReturnType<typeof jobEventReader>;
  const logger = createLogger('renderer-test', 'silent');

  before(async () => {
    emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory: dir });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...emulators.env }, LOCAL_CREDENTIALS);
    ({ env: resources } = await provision(clients, { prefix: `r${randomUUID().slice(0, 6)}-` }));
    nextEvent = jobEventReader(clients.sqs, resources.EXPORT_API_EVENTS_QUEUE_URL!);
    const config = loadRendererConfig({
      ...emulators.env,
      ...resources,
      OPS_TOKEN: 'ops-token-for-prometheus',
      QUEUE_WAIT_SECONDS: '1',
    });
    adapters = createAwsAdapters(config, clients, { logger, metrics: createMetrics('renderer') });
    app = createApp(config, {
      printer: fakePrinter,
      template: { render: () => ({ html: '<html></html>' }) },
      ...adapters,
      logger,
      metrics: createMetrics('renderer'),
    });
    await app.start(0);
  });

  after(async () => {
    await app.stop();
    destroyAwsClients(clients);
    await emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const putDataset = (key: string, dataset: unknown) =>
    clients.s3.send(
      new PutObjectCommand({
        Bucket: resources.EXPORTS_BUCKET,
        Key: key,
        Body: gzipSync(JSON.stringify(dataset)),
      }),
    );
  /** A rows claim check as report-builder writes it, optionally cut short or corrupted. */
  const putRows = (key: string, lines: readonly unknown[]) =>
    clients.s3.send(
      new PutObjectCommand({
        Bucket: resources.EXPORTS_BUCKET,
        Key: key,
        Body: gzipSync(
          lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
        ),
      }),
    );
  const rowsHeader = campaignRowsHeader(new Date().toISOString());
  const rowLines = (count: number) =>
    Array.from({ length: count }, (_, i) => [`c${i}`, `=Campaign ${i}, "quoted"`, '0.01', i]);
  const renderDeps = () => ({
    printer: fakePrinter,
    template: { render: () => ({ html: '' }) },
    ...adapters,
    logger,
    metrics: createMetrics('renderer'),
  });
  const filesOf = async (jobId: string) =>
    (
      await clients.s3.send(
        new ListObjectsV2Command({
          Bucket: resources.EXPORTS_BUCKET,
          Prefix: `exports/ws_acme/${jobId}/`,
        }),
      )
    ).Contents ?? [];

  it('when a rows claim check is rendered, then the CSV streams to S3 with its layout, facts and name', async () => {
    const render = message({ dataset_rows: 3 });
    await putRows(render.dataset_key, [
      rowsHeader,
      ...rowLines(3),
      { type: 'end', rows: 3, totals: { spend: '0.03', conversion_value: '0.00' } },
    ]);
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.RENDER_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify(render),
      }),
    );
    const completed = await nextEvent(
      (e) => e.job_id === render.job_id && e.status === 'COMPLETED',
    );
    const file = completed.file!;
    assert.equal(file.rows, 3);
    assert.match(file.key, /\/wevion-cross-channel_2026-08-01_2026-08-31_EUR_campaign_total\.csv$/);
    const object = await clients.s3.send(
      new GetObjectCommand({ Bucket: resources.EXPORTS_BUCKET, Key: file.key }),
    );
    const text = await object.Body!.transformToString();
    assert.equal(file.bytes, Buffer.byteLength(text));
    assert.equal(
      text,
      'campaign_id,campaign_name,spend,clicks\r\n' +
        `c0,"'=Campaign 0, ""quoted""",0.01,0\r\n` +
        `c1,"'=Campaign 1, ""quoted""",0.01,1\r\n` +
        `c2,"'=Campaign 2, ""quoted""",0.01,2\r\n`,
    );
  });

  it('when a PDF job is cancelled while it prints, then no file is uploaded and no event says otherwise', async () => {
    let release!: () => void;
    let printing!: () => void;
    const started = new Promise<void>((resolve) => (printing = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowPrinter: PdfPrinter = {
      ...fakePrinter,
      print: async () => {
        printing();
        await gate;
        return Buffer.from('%PDF-1.7 fake');
      },
    };
    const render = message({ format: 'PDF' });
    await putDataset(render.dataset_key, fixtureDataset());
    const rendered = renderExport(render, { ...renderDeps(), printer: slowPrinter });
    await started;
    await markCancelled(clients.s3, resources.EXPORTS_BUCKET!, render.job_id, new Date());
    release();
    await rendered;
    assert.deepEqual(await filesOf(render.job_id), []);
    await assert.rejects(
      nextEvent((e) => e.job_id === render.job_id && e.status !== 'RUNNING', 1_500),
      'no COMPLETED or FAILED for a job export-api already ended',
    );
  });

  it('when a CSV job was cancelled before it renders, then its claim check is not even read', async () => {
    const render = message({ dataset_rows: 3 });
    await markCancelled(clients.s3, resources.EXPORTS_BUCKET!, render.job_id, new Date());
    // No claim check at all: reading it would fail the job as "dataset missing".
    await renderExport(render, renderDeps());
    assert.deepEqual(await filesOf(render.job_id), []);
    await assert.rejects(nextEvent((e) => e.job_id === render.job_id, 1_500));
  });

  it('when a rows claim check was cut short, then rendering rejects and leaves no file', async () => {
    const render = message();
    await putRows(render.dataset_key, [rowsHeader, ...rowLines(5)]);
    await assert.rejects(renderExport(render, renderDeps()), /ended before its trailer/);
    const miscounted = message();
    await putRows(miscounted.dataset_key, [
      rowsHeader,
      ...rowLines(5),
      { type: 'end', rows: 6, totals: { spend: '0.06', conversion_value: '0.00' } },
    ]);
    await assert.rejects(renderExport(miscounted, renderDeps()), /promises 6 rows but holds 5/);
    assert.deepEqual(await filesOf(render.job_id), []);
    assert.deepEqual(await filesOf(miscounted.job_id), []);
  });

  it('when the same render is delivered twice, then each attempt writes its own file and neither is overwritten', async () => {
    const render = message({ format: 'PDF' });
    await putDataset(render.dataset_key, fixtureDataset());
    for (let i = 0; i < 2; i++) {
      await clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: resources.RENDER_JOBS_QUEUE_URL,
          MessageBody: JSON.stringify(render),
        }),
      );
    }
    const keys = new Set<string>();
    while (keys.size < 2) {
      const completed = await nextEvent(
        (e) => e.job_id === render.job_id && e.status === 'COMPLETED' && !keys.has(e.file!.key),
      );
      keys.add(completed.file!.key);
    }
    const { Contents = [] } = await clients.s3.send(
      new ListObjectsV2Command({
        Bucket: resources.EXPORTS_BUCKET,
        Prefix: `exports/ws_acme/${render.job_id}/`,
      }),
    );
    assert.deepEqual(new Set(Contents.map((c) => c.Key)), keys, 'two keys, one per attempt');
  });

  it('when the dataset is gone, then the job ends FAILED at once instead of retrying for minutes', async () => {
    const render = message();
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.RENDER_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify(render),
      }),
    );
    const failed = await nextEvent((e) => e.job_id === render.job_id && e.status === 'FAILED');
    assert.equal(failed.error!.code, 'dataset_missing');
  });

  it('when a forged message names another workspace with this claim check, then it is dead-lettered and nothing is rendered', async () => {
    const genuine = message({ dataset_rows: 3 });
    await putRows(genuine.dataset_key, [rowsHeader, ...rowLines(3), { type: 'trailer', rows: 3 }]);
    const forged = { ...genuine, job_id: randomUUID(), workspace_id: 'ws_other' };
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.RENDER_JOBS_QUEUE_URL,
        MessageBody: JSON.stringify(forged),
      }),
    );
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: resources.RENDER_JOBS_DLQ_URL, WaitTimeSeconds: 10 }),
    );
    assert.equal(Messages.length, 1, 'the forged message reached the dead-letter queue');
    assert.equal(JSON.parse(Messages[0]!.Body!).job_id, forged.job_id);
    const written = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: resources.EXPORTS_BUCKET, Prefix: 'exports/ws_other/' }),
    );
    assert.equal(written.KeyCount ?? 0, 0);
  });

  it('when writing the CSV fails midway, then rendering rejects promptly instead of hanging the worker', async () => {
    const render = message();
    await putRows(render.dataset_key, [
      rowsHeader,
      ...rowLines(20_000),
      '{"broken":',
      ...rowLines(2),
    ]);
    await assert.rejects(renderExport(render, renderDeps()), SyntaxError);
    assert.deepEqual(await filesOf(render.job_id), []);
  });
});

describe('Chromium that cannot start', () => {
  it('when the browser fails to launch, then warmUp rejects and no promise is left unhandled', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const printer = new ChromiumPdfPrinter({
        executablePath: '/nonexistent/chromium',
        concurrency: 1,
        relaunchAfter: 10,
        timeoutMs: 5000,
        logger: createLogger('printer-test', 'silent'),
      });
      await assert.rejects(printer.warmUp());
      await assert.rejects(printer.print({ html: '<p>x</p>' }));
      // Unhandled rejections are reported once the microtask queue drains: give it two turns.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});

describe('Chromium on shutdown', function () {
  this.timeout(30_000);

  it('when the renderer is stopped, then signals stay its own and closing removes the browser profile', async () => {
    const profiles = () =>
      new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('wevion-chromium-')));
    const before = profiles();
    const listeners = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) =>
      process.listenerCount(s),
    );
    const printer = new ChromiumPdfPrinter({
      concurrency: 1,
      relaunchAfter: 10,
      timeoutMs: 10_000,
      logger: createLogger('printer-test', 'silent'),
    });
    await printer.warmUp();
    const created = [...profiles()].filter((name) => !before.has(name));
    assert.equal(created.length, 1, 'one profile for the running browser');
    // puppeteer's own handlers would kill Chromium and exit the process on Ctrl-C before the
    // graceful stop could finish its PDFs.
    assert.deepEqual(
      (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => process.listenerCount(s)),
      listeners,
    );
    await printer.close();
    assert.equal(existsSync(join(tmpdir(), created[0]!)), false, 'the profile is removed');
  });
});
