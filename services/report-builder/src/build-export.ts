import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  AppError,
  parseReportQuery,
  jobEvents,
  sendToQueue,
  type ExportUnifiedReportMessage,
  type Logger,
  type ServiceMetrics,
} from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { aggregateReport } from './aggregate-report.ts';
import { explainCurrency } from './currency-error.ts';
import type { InsightsStore } from './ports.ts';

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

/** One key per attempt: a second delivery never rewrites a dataset a renderer may be reading. */
export const datasetKey = (jobId: string, attempt: string) =>
  `datasets/${jobId}/${attempt}.json.gz`;

/**
 * EXPORT_UNIFIED_REPORT: aggregate, store the dataset in S3 (claim check), hand it to the
 * renderer. Safe to run twice for one job: each attempt writes its own dataset, and export-api
 * ignores events that would move a job backwards. A problem with the request itself ends the job
 * FAILED with the reason; anything else throws so SQS redelivers (and finally dead-letters) it.
 * Once `signal` aborts (the time limit passed) no further step starts.
 */
export async function buildExport(
  message: ExportUnifiedReportMessage,
  deps: BuildExportDeps,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const log = deps.logger.child({ job_id: message.job_id });
  const event = jobEvents(deps.sns, deps.topicArn, message);

  await event({ status: 'RUNNING', progress: { stage: 'aggregating', percent: 10 } });
  const started = performance.now();
  let dataset;
  const currencies = await deps.store.fxCurrencies();
  try {
    const query = parseReportQuery(
      { ...message.query, workspace_id: message.workspace_id },
      { currencies },
    );
    dataset = await aggregateReport(deps.store, query);
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
  const key = datasetKey(message.job_id, randomUUID());
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
  signal.throwIfAborted();
  await sendToQueue(deps.sqs, deps.renderQueueUrl, {
    type: 'RENDER_REPORT',
    version: 1,
    job_id: message.job_id,
    workspace_id: message.workspace_id,
    format: message.format,
    dataset_key: key,
    options: message.options,
    workspace: message.workspace,
  });
  await event({ status: 'RUNNING', progress: { stage: 'rendering', percent: 60 } });
  log.info(
    { rows_scanned: dataset.rows_scanned, ms: Math.round(performance.now() - started) },
    'dataset built',
  );
}
