import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { WorkerEnvironment } from './config.ts';
import {
  parseMessage,
  type ExportUnifiedReportMessage,
  type RenderReportMessage,
} from './messages.ts';
import type { ServiceMetrics } from './metrics.ts';
import { QueueConsumer } from './queue-consumer.ts';
import type { JobEventPublisher, JobMessageSource } from './worker-ports.ts';

type JobMessage = ExportUnifiedReportMessage | RenderReportMessage;

export interface SqsJobMessagesOptions<T extends JobMessage> {
  type: T['type'];
  name: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  config: WorkerEnvironment;
  sqs: SQSClient;
  /** Where the timeout of a job is told. */
  events: JobEventPublisher;
  logger: Logger;
  metrics: ServiceMetrics;
  /** What the worker does, as a user reads it in a timeout error ("Building the report"). */
  work: string;
}

/**
 * A worker's queue of job messages on SQS (report-builder's, the renderer's): validated
 * messages, the worker's concurrency and visibility settings, and a time limit after which the
 * job ends FAILED with a `timeout` error the user can act on.
 */
export class SqsJobMessages<T extends JobMessage> implements JobMessageSource<T> {
  private consumer: QueueConsumer | null = null;

  constructor(private readonly options: SqsJobMessagesOptions<T>) {}

  start(handle: (message: T, signal: AbortSignal) => Promise<void>): void {
    const { config, events } = this.options;
    const parse = (body: string | undefined) => parseMessage<T>(this.options.type, body);
    this.consumer = new QueueConsumer({
      name: this.options.name,
      sqs: this.options.sqs,
      queueUrl: this.options.queueUrl,
      deadLetterQueueUrl: this.options.deadLetterQueueUrl,
      logger: this.options.logger,
      metrics: this.options.metrics,
      concurrency: config.CONCURRENCY,
      waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
      visibilitySeconds: config.VISIBILITY_TIMEOUT_SECONDS,
      timeoutMs: config.HANDLER_TIMEOUT_SECONDS * 1000,
      handle: (message, signal) => handle(parse(message.Body), signal),
      onTimeout: (message) =>
        events.publish(parse(message.Body), {
          status: 'FAILED',
          error: {
            code: 'timeout',
            message: `${this.options.work} took longer than ${config.HANDLER_TIMEOUT_SECONDS} seconds and was stopped. Try a shorter date range or fewer platforms.`,
          },
        }),
    });
    this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
