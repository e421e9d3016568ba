import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { Upload } from '@aws-sdk/lib-storage';
import {
  jobEvents,
  REPORT_DATASET_SCHEMA_VERSION,
  type JobFile,
  type Logger,
  type RenderReportMessage,
  type ReportDataset,
  type ServiceMetrics,
} from '@wevion/shared';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { ChromiumPdfPrinter } from './adapters/chromium-pdf-printer.ts';
import type { HandlebarsReportTemplate } from './adapters/handlebars-report-template.ts';
import { csvLines } from './domain/csv.ts';
import { buildReportView } from './domain/report-view.ts';
import { logoDataUrl } from '@wevion/shared';

export interface RenderDeps {
  pdf: { template: HandlebarsReportTemplate; printer: ChromiumPdfPrinter };
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

export const exportKey = (message: RenderReportMessage, dataset: ReportDataset) =>
  `exports/${message.workspace_id}/${message.job_id}/wevion-cross-channel_${dataset.period.since}_${dataset.period.until}.${message.format.toLowerCase()}`;

async function readDataset(s3: S3Client, bucket: string, key: string): Promise<ReportDataset> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
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
 * RENDER_REPORT: read the dataset, render the file to S3, publish COMPLETED with its facts.
 * Redelivery is harmless: a CSV renders to the very same bytes, a PDF is not rendered twice.
 */
export async function renderExport(message: RenderReportMessage, deps: RenderDeps): Promise<void> {
  const log = deps.logger.child({ job_id: message.job_id });
  const event = jobEvents(deps.sns, deps.topicArn, message);

  const started = performance.now();
  const dataset = await readDataset(deps.s3, deps.bucket, message.dataset_key);
  if (message.format === 'PDF') {
    await renderPdf(message, dataset, deps);
    deps.metrics.stageDuration.observe(
      { stage: 'render_pdf' },
      (performance.now() - started) / 1000,
    );
    return;
  }
  await event({ status: 'RUNNING', progress: { stage: 'uploading', percent: 80 } });

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
  const key = exportKey(message, dataset);
  const contentType = 'text/csv; charset=utf-8';
  await new Upload({
    client: deps.s3,
    params: {
      Bucket: deps.bucket,
      Key: key,
      Body: lines.pipe(measured.stream),
      ContentType: contentType,
    },
    partSize: PART_SIZE,
    queueSize: PARTS_IN_FLIGHT,
  }).done();
  const { bytes, sha256 } = measured.result();
  deps.metrics.stageDuration.observe({ stage: 'render_csv' }, (performance.now() - started) / 1000);
  await event({
    status: 'COMPLETED',
    file: { key, bytes, rows, sha256, content_type: contentType },
  });
  log.info({ key, bytes, rows }, 'CSV rendered');
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

/** The facts of a file this job already rendered, from its S3 metadata, or null. */
async function existingExport(s3: S3Client, bucket: string, key: string): Promise<JobFile | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const { sha256, rows } = head.Metadata ?? {};
    if (!sha256 || rows === undefined) return null;
    return {
      key,
      bytes: head.ContentLength ?? 0,
      rows: Number(rows),
      sha256,
      content_type: head.ContentType ?? '',
    };
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return null;
    throw error;
  }
}

/**
 * A PDF carries its generation time, so a second rendering would differ from the file the job
 * already points at: a redelivered job re-announces the existing file instead of rendering again.
 */
async function renderPdf(
  message: RenderReportMessage,
  dataset: ReportDataset,
  deps: RenderDeps,
): Promise<void> {
  const event = jobEvents(deps.sns, deps.topicArn, message);
  const key = exportKey(message, dataset);
  const existing = await existingExport(deps.s3, deps.bucket, key);
  if (existing) {
    await event({ status: 'COMPLETED', file: existing });
    return;
  }
  await event({ status: 'RUNNING', progress: { stage: 'rendering', percent: 70 } });
  const view = buildReportView(dataset, message.workspace, {
    logoDataUrl: await readLogo(deps.s3, deps.bucket, message.workspace.branding?.logo_key),
    generatedAt: new Date(),
  });
  const pdf = await deps.pdf.printer.print({
    html: deps.pdf.template.html(view),
    footer: view.footer,
  });
  await event({ status: 'RUNNING', progress: { stage: 'uploading', percent: 90 } });
  const contentType = 'application/pdf';
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const rows = dataset.rows.length;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: key,
      Body: pdf,
      ContentType: contentType,
      Metadata: { sha256, rows: String(rows) },
    }),
  );
  await event({
    status: 'COMPLETED',
    file: { key, bytes: pdf.length, rows, sha256, content_type: contentType },
  });
  deps.logger.info({ job_id: message.job_id, key, bytes: pdf.length }, 'PDF rendered');
}
