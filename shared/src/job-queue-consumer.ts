import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { jobEvents } from './bus.ts';
import type { WorkerEnvironment } from './config.ts';
import {
  parseMessage,
  type ExportUnifiedReportMessage,
  type RenderReportMessage,
} from './messages.ts';
import type { ServiceMetrics } from './metrics.ts';
import { QueueConsumer } from './queue-consumer.ts';

type JobMessage = ExportUnifiedReportMessage | RenderReportMessage;

export interface JobQueueConsumerOptions<T extends JobMessage> {
  type: T['type'];
  name: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  topicArn: string;
  config: WorkerEnvironment;
  sqs: SQSClient;
  sns: SNSClient;
  logger: Logger;
  metrics: ServiceMetrics;
  /** What the worker does, as a user reads it in a timeout error ("Building the report"). */
  work: string;
  handle: (message: T, signal: AbortSignal) => Promise<void>;
}

/**
 * The consumer of a queue of job messages (report-builder's, the renderer's): validated
 * messages, the worker's concurrency and visibility settings, and a time limit after which the
 * job ends FAILED with a `timeout` error the user can act on.
 */
export function jobQueueConsumer<T extends JobMessage>(
  options: JobQueueConsumerOptions<T>,
): QueueConsumer {
  const { config } = options;
  const parse = (body: string | undefined) => parseMessage<T>(options.type, body);
  return new QueueConsumer({
    name: options.name,
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    deadLetterQueueUrl: options.deadLetterQueueUrl,
    logger: options.logger,
    metrics: options.metrics,
    concurrency: config.CONCURRENCY,
    waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
    visibilitySeconds: config.VISIBILITY_TIMEOUT_SECONDS,
    timeoutMs: config.HANDLER_TIMEOUT_SECONDS * 1000,
    handle: (message, signal) => options.handle(parse(message.Body), signal),
    onTimeout: (message) =>
      jobEvents(
        options.sns,
        options.topicArn,
        parse(message.Body),
      )({
        status: 'FAILED',
        error: {
          code: 'timeout',
          message: `${options.work} took longer than ${config.HANDLER_TIMEOUT_SECONDS} seconds and was stopped. Try a shorter date range or fewer platforms.`,
        },
      }),
  });
}
