import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  AppError,
  claimCheckKey,
  EXPORT_FORMAT_SPECS,
  isCancelled,
  parseCsvLayout,
  parseReportQuery,
  jobEvents,
  sendToQueue,
  type DatasetKind,
  type ExportUnifiedReportMessage,
  type Logger,
  type JobWarning,
  type ReportQuery,
  type ServiceMetrics,
} from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { aggregateReport } from './aggregate-report.ts';
import { explainCurrency } from './currency-error.ts';
import type { InsightsStore } from './ports.ts';
import { writeExportRows } from './write-export-rows.ts';

const gzipAsync = promisify(gzip);

export interface BuildExportDeps {
  store: InsightsStore;
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
  bucket: string;
  renderQueueUrl: string;
  topicArn: string;
  logger: Logger;
  metrics: ServiceMetrics;
}

/** The job warning of an export whose range and platforms have no data at all. */
const NO_DATA: JobWarning = {
  code: 'no_data',
  message:
    'No ad data was found for these platforms in this range, so every figure in the file is zero.',
};

/**
 * EXPORT_UNIFIED_REPORT: aggregate, store the claim check in S3, hand it to the renderer. A CSV's
 * rows stream from the store into gzip NDJSON; a PDF gets the summary dataset. Safe to run twice
 * for one job: each attempt writes its own claim check, and export-api ignores events that would
 * move a job backwards. A problem with the request itself ends the job FAILED with the reason;
 * anything else throws so SQS redelivers (and finally dead-letters) it. Once `signal` aborts
 * (the time limit passed) no further step starts.
 */
export async function buildExport(
  message: ExportUnifiedReportMessage,
  deps: BuildExportDeps,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const log = deps.logger.child({ job_id: message.job_id });
  const event = jobEvents(deps.sns, deps.topicArn, message);

  // A cancelled job gets no more work and no more events: export-api has already ended it.
  if (await isCancelled(deps.s3, deps.bucket, message.job_id, signal))
    return log.info('cancelled before aggregating');
  await event({ status: 'RUNNING', progress: { stage: 'aggregating', percent: 10 } });
  const started = performance.now();
  const currencies = await deps.store.fxCurrencies();
  let claim: { key: string; rows?: number; noData: boolean; facts: Record<string, number> };
  try {
    const query = parseReportQuery(
      { ...message.query, workspace_id: message.workspace_id },
      { currencies },
    );
    const write = DATASET_WRITERS[EXPORT_FORMAT_SPECS[message.format].dataset];
    claim = await write(message, query, deps, signal);
  } catch (error) {
    if (!(error instanceof AppError) || !error.expose) throw error;
    const { code, message: reason } = explainCurrency(
      error,
      message.query.target_currency,
      currencies,
    );
    log.warn({ code, reason }, 'export cannot be built');
    await event({ status: 'FAILED', error: { code, message: reason } });
    return;
  }
  deps.metrics.stageDuration.observe({ stage: 'aggregate' }, (performance.now() - started) / 1000);

  signal.throwIfAborted();
  // Cancelled while aggregating: the claim check stays unread and expires with its prefix.
  if (await isCancelled(deps.s3, deps.bucket, message.job_id, signal))
    return log.info('cancelled while aggregating; nothing sent to render');
  await sendToQueue(deps.sqs, deps.renderQueueUrl, {
    type: 'RENDER_REPORT',
    version: 1,
    job_id: message.job_id,
    workspace_id: message.workspace_id,
    format: message.format,
    dataset_key: claim.key,
    ...(claim.rows === undefined ? {} : { dataset_rows: claim.rows }),
    ...(claim.noData ? { warnings: [NO_DATA] } : {}),
    options: message.options,
    workspace: message.workspace,
  });
  await event({
    status: 'RUNNING',
    progress: {
      stage: 'rendering',
      percent: 60,
      ...(claim.rows === undefined ? {} : { rows: 0 }),
    },
  });
  log.info({ ...claim.facts, ms: Math.round(performance.now() - started) }, 'dataset built');
}

/** A CSV's rows, streamed; progress events say how many are written. */
async function writeRows(
  message: ExportUnifiedReportMessage,
  query: ReportQuery,
  deps: BuildExportDeps,
  signal: AbortSignal,
) {
  const event = jobEvents(deps.sns, deps.topicArn, message);
  const key = claimCheckKey(message.workspace_id, message.job_id, randomUUID(), 'ndjson.gz');
  const { rows, storeGroups } = await writeExportRows(query, parseCsvLayout(message.csv), {
    store: deps.store,
    s3: deps.s3,
    bucket: deps.bucket,
    key,
    signal,
    onProgress: (written) =>
      event({ status: 'RUNNING', progress: { stage: 'aggregating', percent: 10, rows: written } }),
  });
  return { key, rows, noData: storeGroups === 0, facts: { rows } };
}

/** A PDF's summary dataset, as one gzip JSON document. */
async function writeSummary(
  message: ExportUnifiedReportMessage,
  query: ReportQuery,
  deps: BuildExportDeps,
  signal: AbortSignal,
) {
  const dataset = await aggregateReport(deps.store, query);
  signal.throwIfAborted();
  const key = claimCheckKey(message.workspace_id, message.job_id, randomUUID(), 'json.gz');
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: key,
      Body: await gzipAsync(JSON.stringify(dataset)),
      ContentType: 'application/json',
      ContentEncoding: 'gzip',
    }),
    { abortSignal: signal },
  );
  return { key, noData: dataset.rows_scanned === 0, facts: { rows_scanned: dataset.rows_scanned } };
}

/** What report-builder writes to the claim check for each kind of dataset a format reads. */
const DATASET_WRITERS: Record<
  DatasetKind,
  (
    message: ExportUnifiedReportMessage,
    query: ReportQuery,
    deps: BuildExportDeps,
    signal: AbortSignal,
  ) => Promise<{ key: string; rows?: number; noData: boolean; facts: Record<string, number> }>
> = { rows: writeRows, report: writeSummary };
