import {
  decodeExportRows,
  decodeReportDataset,
  EXPORT_FORMAT_SPECS,
  exportFilename,
  JobCancelled,
  logoDataUrl,
  stopIfCancelled,
  type ExportFormat,
  type JobEventFields,
  type RenderReportMessage,
  utf8Chunks,
} from '@wevion/shared';
import { createHash } from 'node:crypto';
import { CsvWriter } from './domain/csv.ts';
import { buildReportView } from './domain/report-view.ts';
import { exportKey, type RenderAttempt, type RenderDeps } from './render-attempt.ts';
import { renderXlsx } from './render-xlsx.ts';

/**
 * RENDER_REPORT: read the claim check, render the file under this attempt's own key, publish
 * COMPLETED with its facts. A redelivery renders again under another key; export-api keeps the
 * first file a job completed with. Once `signal` aborts (time limit) no upload starts.
 */
export type { RenderDeps };

export async function renderExport(
  message: RenderReportMessage,
  deps: RenderDeps,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const event = (fields: JobEventFields) => deps.events.publish(message, fields);
  const started = performance.now();
  // A cancelled job gets no file and no more events: export-api has already ended it.
  if (await deps.cancellations.isCancelled(message.job_id, signal))
    return deps.logger.info({ job_id: message.job_id }, 'cancelled before rendering');
  const claimCheck = await deps.claimChecks.open(message.dataset_key, signal);
  if (!claimCheck) {
    // Expired, or a forged key: no retry can bring it back.
    deps.logger.warn({ job_id: message.job_id, key: message.dataset_key }, 'dataset missing');
    await event({
      status: 'FAILED',
      error: {
        code: 'dataset_missing',
        message:
          'The prepared report data is no longer available. Please request the export again.',
      },
    });
    return;
  }
  const render = RENDERERS[message.format];
  try {
    await render({ message, claimCheck, signal, event }, deps);
  } catch (error) {
    if (!(error instanceof JobCancelled)) throw error;
    deps.logger.info({ job_id: message.job_id }, 'cancelled while rendering; nothing uploaded');
    return;
  }
  deps.metrics.stageDuration.observe(
    { stage: `render_${message.format.toLowerCase()}` },
    (performance.now() - started) / 1000,
  );
}

async function renderCsv(
  { message, claimCheck, signal, event }: RenderAttempt,
  deps: RenderDeps,
): Promise<void> {
  const { header, batches } = await decodeExportRows(claimCheck, message.dataset_key);
  const writer = new CsvWriter(header, { bom: message.options.csv_bom });
  const total = message.dataset_rows;
  let rows = 0;
  // A cancel found at a progress tick or at the end throws out of the stream, which aborts the
  // upload, so no file is stored.
  const stopIfCancelledNow = () => stopIfCancelled(deps.cancellations, message.job_id, signal);
  async function* csv(): AsyncGenerator<string[]> {
    yield [writer.headerLine()];
    let next = await batches.next();
    while (!next.done) {
      yield writer.lines(next.value);
      rows += next.value.length;
      next = await batches.next();
    }
    if (next.value.rows !== rows) {
      throw new Error(`${message.dataset_key} promises ${next.value.rows} rows but holds ${rows}`);
    }
    // The last look before the upload completes.
    await stopIfCancelledNow();
  }
  const progress = async () => {
    await stopIfCancelledNow();
    const percent = total ? 60 + Math.floor((35 * Math.min(rows, total)) / total) : 60;
    await event({ status: 'RUNNING', progress: { stage: 'rendering', percent, rows } });
  };

  const { query, layout } = header;
  const key = exportKey(
    message,
    exportFilename({ ...query, currency: query.target_currency, format: 'CSV', layout }),
  );
  const { contentType } = EXPORT_FORMAT_SPECS.CSV;
  const { bytes, sha256 } = await deps.files.writeStream(
    key,
    contentType,
    utf8Chunks(csv(), progress),
    signal,
  );
  await event({
    status: 'COMPLETED',
    file: { key, bytes, rows, sha256, content_type: contentType },
    ...(message.warnings ? { warnings: message.warnings } : {}),
  });
  deps.logger.info({ job_id: message.job_id, key, bytes, rows }, 'CSV rendered');
}

async function renderPdf(
  { message, claimCheck, signal, event }: RenderAttempt,
  deps: RenderDeps,
): Promise<void> {
  let text = '';
  for await (const chunk of claimCheck) text += chunk;
  const dataset = decodeReportDataset(text, message.dataset_key);
  const { query } = dataset;
  const key = exportKey(
    message,
    exportFilename({ ...query, currency: query.target_currency, format: 'PDF', layout: null }),
  );
  await event({ status: 'RUNNING', progress: { stage: 'rendering', percent: 70 } });
  const logoKey = message.workspace.branding?.logo_key;
  const logo = logoKey ? await deps.logos.read(logoKey) : null;
  const view = buildReportView(dataset, message.workspace, {
    logoDataUrl: logo ? logoDataUrl(logo) : null,
    generatedAt: new Date(),
  });
  const pdf = await deps.printer.print(deps.template.render(view));
  signal.throwIfAborted();
  await stopIfCancelled(deps.cancellations, message.job_id, signal);
  await event({ status: 'RUNNING', progress: { stage: 'uploading', percent: 90 } });
  const { contentType } = EXPORT_FORMAT_SPECS.PDF;
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const rows = dataset.platforms.length * dataset.trend.length;
  await deps.files.write(key, contentType, pdf, signal);
  await event({
    status: 'COMPLETED',
    file: { key, bytes: pdf.length, rows, sha256, content_type: contentType },
    ...(message.warnings ? { warnings: message.warnings } : {}),
  });
  deps.logger.info({ job_id: message.job_id, key, bytes: pdf.length }, 'PDF rendered');
}

/** Which renderer writes each format's file. */
const RENDERERS: Record<ExportFormat, (attempt: RenderAttempt, deps: RenderDeps) => Promise<void>> =
  { CSV: renderCsv, PDF: renderPdf, XLSX: renderXlsx };
