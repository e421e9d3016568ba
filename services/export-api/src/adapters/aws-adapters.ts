import { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { awsReadinessChecks, type Logger, type ServiceMetrics } from '@wevion/shared';
import type { ExportApiConfig } from '../config.ts';
import type { ExportApiInboxes } from '../ports.ts';
import { S3Cancellations } from './s3-cancellations.ts';
import { S3DownloadSigner } from './s3-download-signer.ts';
import { S3ExportFiles } from './s3-export-files.ts';
import { S3LogoStore } from './s3-logo-store.ts';
import { SqsExportQueue } from './sqs-export-queue.ts';
import { SqsMessageSource } from './sqs-message-source.ts';

/** A time limit for handling one event or dead letter: a few store writes. */
const EVENT_HANDLER_TIMEOUT_MS = 30_000;

/** export-api's ports on AWS (SQS and S3), for the composition root and the emulator suites. */
export function createAwsAdapters(
  config: Readonly<ExportApiConfig>,
  clients: { sqs: SQSClient; s3: S3Client },
  observability: { logger: Logger; metrics: ServiceMetrics },
) {
  const { sqs, s3 } = clients;
  // Signing is local (no request is sent), so a client for the public endpoint costs nothing.
  const signingS3 = config.S3_PUBLIC_ENDPOINT_URL
    ? new S3Client({
        region: config.AWS_REGION,
        endpoint: config.S3_PUBLIC_ENDPOINT_URL,
        forcePathStyle: true,
        credentials: s3.config.credentials,
      })
    : s3;
  const source = (name: string, queueUrl: string, deadLetterQueueUrl?: string) =>
    new SqsMessageSource(
      {
        name,
        queueUrl,
        ...(deadLetterQueueUrl ? { deadLetterQueueUrl } : {}),
        ...observability,
        concurrency: 4,
        waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
        visibilitySeconds: 30,
        timeoutMs: EVENT_HANDLER_TIMEOUT_MS,
      },
      sqs,
    );
  const inboxes: ExportApiInboxes = {
    jobEvents: source(
      'export-api-events',
      config.EXPORT_API_EVENTS_QUEUE_URL,
      config.EXPORT_API_EVENTS_DLQ_URL,
    ),
    jobEventsDeadLetters: source('export-api-events-dlq', config.EXPORT_API_EVENTS_DLQ_URL),
    exportJobsDeadLetters: source('export-jobs-dlq', config.EXPORT_JOBS_DLQ_URL),
    renderJobsDeadLetters: source('render-jobs-dlq', config.RENDER_JOBS_DLQ_URL),
  };
  return {
    queue: new SqsExportQueue(sqs, config.EXPORT_JOBS_QUEUE_URL),
    files: new S3ExportFiles(s3, config.EXPORTS_BUCKET),
    signer: new S3DownloadSigner(signingS3, config.EXPORTS_BUCKET, config.DOWNLOAD_URL_TTL_SECONDS),
    cancellations: new S3Cancellations(s3, config.EXPORTS_BUCKET),
    logos: new S3LogoStore(s3, config.EXPORTS_BUCKET),
    inboxes,
    readiness: awsReadinessChecks(clients, {
      queueUrl: config.EXPORT_JOBS_QUEUE_URL,
      bucket: config.EXPORTS_BUCKET,
    }),
    /** Releases what the adapters opened themselves (the public-endpoint signing client). */
    close(): void {
      if (signingS3 !== s3) signingS3.destroy();
    },
  };
}
