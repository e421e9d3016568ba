import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { Upload } from '@aws-sdk/lib-storage';
import {
  jobEvents,
  logoDataUrl,
  REPORT_DATASET_SCHEMA_VERSION,
  type Logger,
  type RenderReportMessage,
  type ReportDataset,
  type ServiceMetrics,
} from '@wevion/shared';
import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { csvLines } from './domain/csv.ts';
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

/** Multipart parts of 5 MiB, two in flight: memory stays bounded whatever the file's size. */
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * One key per render attempt, so no attempt can overwrite a file a job already points at: the
 * COMPLETED event names its key, export-api records the first and deletes any later one.
 */
const exportKey = (message: RenderReportMessage, dataset: ReportDataset, attempt: string) =>
  `exports/${message.workspace_id}/${message.job_id}/${attempt}/wevion-cross-channel_${dataset.period.since}_${dataset.period.until}.${message.format.toLowerCase()}`;

/** One rendering of one message: what to render, where it goes, and how it reports. */
interface RenderAttempt {
  message: RenderReportMessage;
  dataset: ReportDataset;
  /** This attempt's own key (see `exportKey`). */
  key: string;
  signal: AbortSignal;
  event: ReturnType<typeof jobEvents>;
}

/** The claim check is gone (expired, or a forged key): no retry can bring it back. */
class DatasetMissingError extends Error {}

async function readDataset(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal,
): Promise<ReportDataset> {
  let object;
  try {
    object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') throw new DatasetMissingError(key);
    throw error;
  }
  const bytes = await object.Body!.transformToByteArray();
  const dataset = JSON.parse(gunzipSync(bytes).toString('utf8')) as ReportDataset;
  if (dataset.schema_version !== REPORT_DATASET_SCHEMA_VERSION) {
    throw new Error(
      `dataset ${key} has schema ${dataset.schema_version}, this renderer reads ${REPORT_DATASET_SCHEMA_VERSION}`,
    );
  }
  return dataset;
}

/** Counts and hashes what streams through, so the job records exact bytes and sha256. */
function measure() {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

/**
 * RENDER_REPORT: read the dataset, render the file to S3 under this attempt's own key, publish
 * COMPLETED with its facts. A redelivery renders again under another key; export-api keeps the
 * first file a job completed with. Once `signal` aborts (time limit) no upload starts.
 */
export async function renderExport(
  message: RenderReportMessage,
  deps: RenderDeps,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const event = jobEvents(deps.sns, deps.topicArn, message);
  const started = performance.now();
  let dataset;
  try {
    dataset = await readDataset(deps.s3, deps.bucket, message.dataset_key, signal);
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
  const key = exportKey(message, dataset, randomUUID());
  const render = message.format === 'PDF' ? renderPdf : renderCsv;
  await render({ message, dataset, key, signal, event }, deps);
  deps.metrics.stageDuration.observe(
    { stage: `render_${message.format.toLowerCase()}` },
    (performance.now() - started) / 1000,
  );
}

async function renderCsv(
  { message, dataset, key, signal, event }: RenderAttempt,
  deps: RenderDeps,
): Promise<void> {
  await event({ status: 'RUNNING', progress: { stage: 'uploading', percent: 80 } });
  signal.throwIfAborted();

  let rows = -1; // the header is not a data row
  const lines = Readable.from(
    (function* () {
      for (const line of csvLines(dataset, { bom: message.options.csv_bom })) {
        rows++;
        yield Buffer.from(line, 'utf8');
      }
    })(),
  );
  const measured = measure();
  const body = new PassThrough();
  const contentType = 'text/csv; charset=utf-8';
  const upload = new Upload({
    client: deps.s3,
    params: { Bucket: deps.bucket, Key: key, Body: body, ContentType: contentType },
    partSize: PART_SIZE,
    queueSize: PARTS_IN_FLIGHT,
  });
  const abortUpload = () => void upload.abort().catch(() => undefined);
  signal.addEventListener('abort', abortUpload, { once: true });
  try {
    // pipeline (unlike .pipe) passes an error in any stage on: the body fails, so the upload
    // rejects instead of waiting forever for the rest of the file.
    await Promise.all([
      pipeline(lines, measured.stream, body),
      upload.done().catch((error: unknown) => {
        body.destroy(error as Error);
        throw error;
      }),
    ]);
  } finally {
    signal.removeEventListener('abort', abortUpload);
  }
  const { bytes, sha256 } = measured.result();
  await event({
    status: 'COMPLETED',
    file: { key, bytes, rows, sha256, content_type: contentType },
  });
  deps.logger.info({ job_id: message.job_id, key, bytes, rows }, 'CSV rendered');
}

/** The workspace logo from our own bucket (branding/ keys only; never a URL from outside). */
async function readLogo(
  s3: S3Client,
  bucket: string,
  key: string | null | undefined,
): Promise<string | null> {
  if (!key || !key.startsWith('branding/')) return null;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return logoDataUrl(Buffer.from(await object.Body!.transformToByteArray()));
}

async function renderPdf(
  { message, dataset, key, signal, event }: RenderAttempt,
  deps: RenderDeps,
): Promise<void> {
  await event({ status: 'RUNNING', progress: { stage: 'rendering', percent: 70 } });
  const view = buildReportView(dataset, message.workspace, {
    logoDataUrl: await readLogo(deps.s3, deps.bucket, message.workspace.branding?.logo_key),
    generatedAt: new Date(),
  });
  const pdf = await deps.printer.print({ html: deps.template.html(view), footer: view.footer });
  signal.throwIfAborted();
  await event({ status: 'RUNNING', progress: { stage: 'uploading', percent: 90 } });
  const contentType = 'application/pdf';
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const rows = dataset.rows.length;
  await deps.s3.send(
    new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: pdf, ContentType: contentType }),
    { abortSignal: signal },
  );
  await event({
    status: 'COMPLETED',
    file: { key, bytes: pdf.length, rows, sha256, content_type: contentType },
  });
  deps.logger.info({ job_id: message.job_id, key, bytes: pdf.length }, 'PDF rendered');
}
