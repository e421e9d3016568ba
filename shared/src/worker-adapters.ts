import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SnsJobEventPublisher } from './bus.ts';
import { S3CancellationCheck } from './cancellation.ts';
import type { WorkerEnvironment } from './config.ts';
import { SqsJobMessages } from './job-queue-consumer.ts';
import type { Logger } from './logger.ts';
import type { ExportUnifiedReportMessage, RenderReportMessage } from './messages.ts';
import type { ServiceMetrics } from './metrics.ts';

/**
 * The ports both workers share, on AWS: their queue of job messages, the job-event publisher
 * and the cancel markers. Each worker adds its own adapters beside these.
 */
export function workerAwsAdapters<T extends ExportUnifiedReportMessage | RenderReportMessage>(
  config: WorkerEnvironment & { EXPORT_EVENTS_TOPIC_ARN: string; EXPORTS_BUCKET: string },
  clients: { sqs: SQSClient; sns: SNSClient; s3: S3Client },
  queue: {
    type: T['type'];
    name: string;
    queueUrl: string;
    deadLetterQueueUrl: string;
    work: string;
  },
  observability: { logger: Logger; metrics: ServiceMetrics },
) {
  const events = new SnsJobEventPublisher(clients.sns, config.EXPORT_EVENTS_TOPIC_ARN);
  return {
    jobs: new SqsJobMessages<T>({ ...queue, config, sqs: clients.sqs, events, ...observability }),
    events,
    cancellations: new S3CancellationCheck(clients.s3, config.EXPORTS_BUCKET),
  };
}
