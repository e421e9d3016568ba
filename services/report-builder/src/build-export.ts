import {
  AppError,
  claimCheckKey,
  encodeReportDataset,
  EXPORT_FORMAT_SPECS,
  parseCsvLayout,
  parseReportQuery,
  type CancellationCheck,
  type DatasetKind,
  type ExportUnifiedReportMessage,
  type Logger,
  type JobEventFields,
  type JobEventPublisher,
  type JobWarning,
  type ReportQuery,
  type ServiceMetrics,
} from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import { aggregateReport } from './aggregate-report.ts';
import { explainCurrency } from './currency-error.ts';
import type { ClaimCheckWriter, InsightsStore, RenderQueue } from './ports.ts';
import { writeExportRows } from './write-export-rows.ts';

export interface BuildExportDeps {
  store: InsightsStore;
  events: JobEventPublisher;
  cancellations: CancellationCheck;
  renderQueue: RenderQueue;
  claimChecks: ClaimCheckWriter;
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
 * EXPORT_UNIFIED_REPORT: aggregate, store the claim check, hand it to the renderer. A CSV's
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
  const event = (fields: JobEventFields) => deps.events.publish(message, fields);

  // A cancelled job gets no more work and no more events: export-api has already ended it.
  if (await deps.cancellations.isCancelled(message.job_id, signal))
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
  if (await deps.cancellations.isCancelled(message.job_id, signal))
    return log.info('cancelled while aggregating; nothing sent to render');
  await deps.renderQueue.enqueue({
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
  const key = claimCheckKey(message.workspace_id, message.job_id, randomUUID(), 'ndjson.gz');
  const { rows, storeGroups } = await writeExportRows(query, parseCsvLayout(message.csv), {
    store: deps.store,
    claimChecks: deps.claimChecks,
    key,
    signal,
    onProgress: (written) =>
      deps.events.publish(message, {
        status: 'RUNNING',
        progress: { stage: 'aggregating', percent: 10, rows: written },
      }),
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
  await deps.claimChecks.write(key, encodeReportDataset(dataset), signal);
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
