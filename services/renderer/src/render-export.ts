import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import {
  EXPORT_FORMAT_SPECS,
  EXPORT_ROWS_SCHEMA_VERSION,
  exportFileKey,
  exportFilename,
  isLogoKey,
  isCancelled,
  JobCancelled,
  jobEvents,
  logoDataUrl,
  REPORT_DATASET_SCHEMA_VERSION,
  stopIfCancelled,
  textChunks,
  uploadStream,
  type ExportFormat,
  type ExportRowsHeader,
  type ExportRowsTrailer,
  type Logger,
  type RenderReportMessage,
  type ReportDataset,
  type ServiceMetrics,
} from '@wevion/shared';
import { createHash, randomUUID } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { CsvWriter, type RowValues } from './domain/csv.ts';
import { buildReportView } from './domain/report-view.ts';
import type { PdfPrinter, ReportTemplate } from './ports.ts';

export interface RenderDeps {
  printer: PdfPrinter;
  template: ReportTemplate;
  s3: S3Client;
  sns: SNSClient;
  bucket: string;
  topicArn: string;
  logger: Logger;
  metrics: ServiceMetrics;
}

/**
 * One key per render attempt, so no attempt can overwrite a file a job already points at: the
 * COMPLETED event names its key, export-api records the first and deletes any later one.
 */
const exportKey = (message: RenderReportMessage, filename: string) =>
  exportFileKey(message.workspace_id, message.job_id, randomUUID(), filename);

/** One rendering of one message: what to render, and how it reports. */
interface RenderAttempt {
  message: RenderReportMessage;
  claimCheck: Readable;
  signal: AbortSignal;
  event: ReturnType<typeof jobEvents>;
}

/** The claim check is gone (expired, or a forged key): no retry can bring it back. */
class DatasetMissingError extends Error {}

async function openClaimCheck(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal,
): Promise<Readable> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    return object.Body as Readable;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') throw new DatasetMissingError(key);
    throw error;
  }
}

/**
 * RENDER_REPORT: read the claim check, render the file to S3 under this attempt's own key,
 * publish COMPLETED with its facts. A redelivery renders again under another key; export-api
 * keeps the first file a job completed with. Once `signal` aborts (time limit) no upload starts.
 */
export async function renderExport(
  message: RenderReportMessage,
  deps: RenderDeps,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const event = jobEvents(deps.sns, deps.topicArn, message);
  const started = performance.now();
  // A cancelled job gets no file and no more events: export-api has already ended it.
  if (await isCancelled(deps.s3, deps.bucket, message.job_id, signal))
    return deps.logger.info({ job_id: message.job_id }, 'cancelled before rendering');
  let claimCheck;
  try {
    claimCheck = await openClaimCheck(deps.s3, deps.bucket, message.dataset_key, signal);
  } catch (error) {
    if (!(error instanceof DatasetMissingError)) throw error;
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

/** Lines of gzip NDJSON as they arrive; an error anywhere in the stream rejects the iteration. */
async function* gunzippedLines(compressed: Readable): AsyncGenerator<string> {
  const text = pipeline(compressed, createGunzip(), () => undefined).setEncoding('utf8');
  let rest = '';
  for await (const chunk of text as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) if (line) yield line;
  }
  if (rest) yield rest;
}

/** The rows claim check line by line: header, rows, trailer (a missing trailer means cut short). */
async function* claimCheckLines(claimCheck: Readable, key: string) {
  const lines = gunzippedLines(claimCheck);
  let header: ExportRowsHeader | null = null;
  let trailer: ExportRowsTrailer | null = null;
  for await (const line of lines) {
    const parsed = JSON.parse(line) as RowValues | ExportRowsHeader | ExportRowsTrailer;
    if (!header) {
      header = parsed as ExportRowsHeader;
      if (header.type !== 'header' || header.schema_version !== EXPORT_ROWS_SCHEMA_VERSION) {
        throw new Error(
          `${key} is not export rows of schema ${EXPORT_ROWS_SCHEMA_VERSION}; this renderer cannot read it`,
        );
      }
      yield header;
    } else if (Array.isArray(parsed) && !trailer) {
      yield parsed as RowValues;
    } else if (!trailer && (parsed as ExportRowsTrailer).type === 'end') {
      trailer = parsed as ExportRowsTrailer;
    } else {
      throw new Error(`${key} has a line that is neither a row nor its one trailer`);
    }
  }
  if (!header || !trailer) throw new Error(`${key} ended before its trailer: it was cut short`);
  return trailer;
}

async function renderCsv(
  { message, claimCheck, signal, event }: RenderAttempt,
  deps: RenderDeps,
): Promise<void> {
  const lines = claimCheckLines(claimCheck, message.dataset_key);
  const first = await lines.next();
  const header = first.value as ExportRowsHeader;
  const writer = new CsvWriter(header, { bom: message.options.csv_bom });
  const total = message.dataset_rows;
  let rows = 0;
  // A cancel found at a progress tick or at the end throws out of the stream, which aborts the
  // multipart upload, so S3 never stores the object.
  const stopIfCancelledNow = () => stopIfCancelled(deps.s3, deps.bucket, message.job_id, signal);
  async function* csv(): AsyncGenerator<string> {
    yield writer.headerLine();
    let next = await lines.next();
    while (!next.done) {
      yield writer.line(next.value as RowValues);
      rows++;
      next = await lines.next();
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
  const { bytes, sha256 } = await uploadStream(
    deps.s3,
    { Bucket: deps.bucket, Key: key, ContentType: contentType },
    Readable.from(textChunks(csv(), progress)),
    [],
    signal,
  );
  await event({
    status: 'COMPLETED',
    file: { key, bytes, rows, sha256, content_type: contentType },
    ...(message.warnings ? { warnings: message.warnings } : {}),
  });
  deps.logger.info({ job_id: message.job_id, key, bytes, rows }, 'CSV rendered');
}

async function readDataset(claimCheck: Readable, key: string): Promise<ReportDataset> {
  const chunks: Buffer[] = [];
  for await (const chunk of claimCheck) chunks.push(chunk as Buffer);
  const dataset = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8')) as ReportDataset;
  if (dataset.schema_version !== REPORT_DATASET_SCHEMA_VERSION) {
    throw new Error(
      `dataset ${key} has schema ${dataset.schema_version}, this renderer reads ${REPORT_DATASET_SCHEMA_VERSION}`,
    );
  }
  return dataset;
}

/** The workspace logo from our own bucket (branding/ keys only; never a URL from outside). */
async function readLogo(
  s3: S3Client,
  bucket: string,
  key: string | null | undefined,
): Promise<string | null> {
  if (!key || !isLogoKey(key)) return null;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return logoDataUrl(Buffer.from(await object.Body!.transformToByteArray()));
}

async function renderPdf(
  { message, claimCheck, signal, event }: RenderAttempt,
  deps: RenderDeps,
): Promise<void> {
  const dataset = await readDataset(claimCheck, message.dataset_key);
  const { query } = dataset;
  const key = exportKey(
    message,
    exportFilename({ ...query, currency: query.target_currency, format: 'PDF', layout: null }),
  );
  await event({ status: 'RUNNING', progress: { stage: 'rendering', percent: 70 } });
  const view = buildReportView(dataset, message.workspace, {
    logoDataUrl: await readLogo(deps.s3, deps.bucket, message.workspace.branding?.logo_key),
    generatedAt: new Date(),
  });
  const pdf = await deps.printer.print(deps.template.render(view));
  signal.throwIfAborted();
  await stopIfCancelled(deps.s3, deps.bucket, message.job_id, signal);
  await event({ status: 'RUNNING', progress: { stage: 'uploading', percent: 90 } });
  const { contentType } = EXPORT_FORMAT_SPECS.PDF;
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const rows = dataset.platforms.length * dataset.trend.length;
  await deps.s3.send(
    new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: pdf, ContentType: contentType }),
    { abortSignal: signal },
  );
  await event({
    status: 'COMPLETED',
    file: { key, bytes: pdf.length, rows, sha256, content_type: contentType },
    ...(message.warnings ? { warnings: message.warnings } : {}),
  });
  deps.logger.info({ job_id: message.job_id, key, bytes: pdf.length }, 'PDF rendered');
}

/** Which renderer writes each format's file. */
const RENDERERS: Record<ExportFormat, (attempt: RenderAttempt, deps: RenderDeps) => Promise<void>> =
  { CSV: renderCsv, PDF: renderPdf };
