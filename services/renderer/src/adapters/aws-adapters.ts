import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsReadinessChecks,
  workerAwsAdapters,
  type Logger,
  type RenderReportMessage,
  type ServiceMetrics,
} from '@wevion/shared';
import type { RendererConfig } from '../config.ts';
import { S3ClaimCheckReader } from './s3-claim-check-reader.ts';
import { S3ExportFileStore } from './s3-export-file-store.ts';
import { S3LogoReader } from './s3-logo-reader.ts';

/** The renderer's ports on AWS, for the composition root and the emulator suites. */
export function createAwsAdapters(
  config: Readonly<RendererConfig>,
  clients: { sqs: SQSClient; sns: SNSClient; s3: S3Client },
  observability: { logger: Logger; metrics: ServiceMetrics },
) {
  const bucket = config.EXPORTS_BUCKET;
  return {
    ...workerAwsAdapters<RenderReportMessage>(
      config,
      clients,
      {
        type: 'RENDER_REPORT',
        name: 'render-jobs',
        queueUrl: config.RENDER_JOBS_QUEUE_URL,
        deadLetterQueueUrl: config.RENDER_JOBS_DLQ_URL,
        work: 'Rendering the file',
      },
      observability,
    ),
    claimChecks: new S3ClaimCheckReader(clients.s3, bucket),
    files: new S3ExportFileStore(clients.s3, bucket),
    logos: new S3LogoReader(clients.s3, bucket),
    readiness: awsReadinessChecks(clients, { queueUrl: config.RENDER_JOBS_QUEUE_URL, bucket }),
  };
}
