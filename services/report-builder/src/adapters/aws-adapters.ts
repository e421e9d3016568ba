import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsReadinessChecks,
  workerAwsAdapters,
  type ExportUnifiedReportMessage,
  type Logger,
  type ServiceMetrics,
} from '@wevion/shared';
import type { ReportBuilderConfig } from '../config.ts';
import { S3ClaimCheckWriter } from './s3-claim-check-writer.ts';
import { SqsRenderQueue } from './sqs-render-queue.ts';

/** report-builder's ports on AWS, for the composition root and the emulator suites. */
export function createAwsAdapters(
  config: Readonly<ReportBuilderConfig>,
  clients: { sqs: SQSClient; sns: SNSClient; s3: S3Client },
  observability: { logger: Logger; metrics: ServiceMetrics },
) {
  return {
    ...workerAwsAdapters<ExportUnifiedReportMessage>(
      config,
      clients,
      {
        type: 'EXPORT_UNIFIED_REPORT',
        name: 'export-jobs',
        queueUrl: config.EXPORT_JOBS_QUEUE_URL,
        deadLetterQueueUrl: config.EXPORT_JOBS_DLQ_URL,
        work: 'Building the report',
      },
      observability,
    ),
    renderQueue: new SqsRenderQueue(clients.sqs, config.RENDER_JOBS_QUEUE_URL),
    claimChecks: new S3ClaimCheckWriter(clients.s3, config.EXPORTS_BUCKET),
    readiness: awsReadinessChecks(clients, {
      queueUrl: config.EXPORT_JOBS_QUEUE_URL,
      bucket: config.EXPORTS_BUCKET,
    }),
  };
}
