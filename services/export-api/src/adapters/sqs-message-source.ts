import type { SQSClient } from '@aws-sdk/client-sqs';
import { QueueConsumer, type QueueConsumerOptions } from '@wevion/shared';
import type { MessageSource } from '../ports.ts';

/** One SQS queue through the shared consumer: long polling, heartbeats, a time limit, redrive. */
export class SqsMessageSource implements MessageSource {
  private consumer: QueueConsumer | null = null;

  constructor(
    private readonly options: Omit<QueueConsumerOptions, 'handle' | 'sqs'>,
    private readonly sqs: SQSClient,
  ) {}

  start(handle: (body: string | undefined) => Promise<void>): void {
    this.consumer = new QueueConsumer({
      ...this.options,
      sqs: this.sqs,
      handle: (message) => handle(message.Body),
    });
    this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
