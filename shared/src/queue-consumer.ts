import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { InvalidMessageError } from './messages.ts';
import type { ServiceMetrics } from './metrics.ts';

export interface QueueConsumerOptions {
  name: string;
  sqs: SQSClient;
  queueUrl: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Resolves when the message is fully handled; throwing leaves it on the queue. */
  handle: (message: Message) => Promise<void>;
  /** Messages handled at once. */
  concurrency?: number;
  /** Long-poll wait, seconds (SQS maximum 20). */
  waitTimeSeconds?: number;
  /** The visibility timeout to keep renewing while a message is being handled, seconds. */
  visibilitySeconds?: number;
}

/**
 * Long-polls one queue and hands each message to `handle`. A message is deleted only after its
 * handler succeeds; while it runs its visibility is extended, so long work is never handed to a
 * second worker. An invalid message is made visible again at once so redrive moves it to the
 * dead-letter queue quickly; other failures wait out the visibility timeout (a natural backoff).
 * `stop()` stops receiving and waits for the messages in flight.
 */
export class QueueConsumer {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private abort = new AbortController();
  private lastPollOk = false;

  constructor(private readonly options: QueueConsumerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.poll();
  }

  /** True once a receive call has succeeded (for /readyz). */
  get healthy(): boolean {
    return this.running && this.lastPollOk;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async poll(): Promise<void> {
    const { sqs, queueUrl, logger } = this.options;
    const concurrency = this.options.concurrency ?? 1;
    while (this.running) {
      if (this.inFlight.size >= concurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, concurrency - this.inFlight.size),
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
          }),
          { abortSignal: this.abort.signal },
        );
        this.lastPollOk = true;
        for (const message of Messages) {
          const work = this.process(message).finally(() => this.inFlight.delete(work));
          this.inFlight.add(work);
        }
      } catch (error) {
        if (!this.running) break;
        this.lastPollOk = false;
        logger.error(
          { err: error, queue: this.options.name },
          'receiving from the queue failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async process(message: Message): Promise<void> {
    const { sqs, queueUrl, logger, metrics, name } = this.options;
    const sent = Number(message.Attributes?.SentTimestamp);
    if (sent) metrics.queueLag.observe({ queue: name }, Math.max(0, Date.now() - sent) / 1000);
    const visibility = this.options.visibilitySeconds ?? 60;
    const heartbeat = setInterval(
      () => {
        sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: visibility,
            }),
          )
          .catch((err) => logger.warn({ err, queue: name }, 'could not extend message visibility'));
      },
      (visibility * 1000) / 2,
    );
    try {
      await this.options.handle(message);
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      metrics.messages.inc({ queue: name, outcome: 'handled' });
    } catch (error) {
      const invalid = error instanceof InvalidMessageError;
      metrics.messages.inc({ queue: name, outcome: invalid ? 'invalid' : 'failed' });
      logger.error(
        { err: error, queue: name, receive_count: message.Attributes?.ApproximateReceiveCount },
        invalid
          ? 'invalid message left for the dead-letter queue'
          : 'message handling failed; it will be retried',
      );
      if (invalid) {
        await sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: 0,
            }),
          )
          .catch(() => undefined);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}
