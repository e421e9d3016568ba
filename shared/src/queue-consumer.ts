import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { AppError } from './errors.ts';
import { InvalidMessageError } from './messages.ts';
import type { ServiceMetrics } from './metrics.ts';

export interface QueueConsumerOptions {
  name: string;
  sqs: SQSClient;
  queueUrl: string;
  /**
   * Invalid messages are moved here at once instead of waiting for redrive. Consumers of a
   * dead-letter queue itself have none: they never reject a message as invalid.
   */
  deadLetterQueueUrl?: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /**
   * Resolves when the message is fully handled; throwing leaves it on the queue. `signal` aborts
   * when the time limit passes: check it before expensive steps.
   */
  handle: (message: Message, signal: AbortSignal) => Promise<void>;
  /** The handler's time limit, ms. */
  timeoutMs: number;
  /**
   * Ends the message's job when its handler ran out of time (the message is then deleted). Without
   * it a timed-out message is retried like any failure.
   */
  onTimeout?: (message: Message, error: HandlerTimeoutError) => Promise<void>;
  /**
   * How long `stop` waits for handlers that outlived their time limit (they were told to stop
   * through their signal) before it gives up on them and logs it; default 10 s.
   */
  overrunGraceMs?: number;
  /** Messages handled at once (1-10). */
  concurrency?: number;
  /** Long-poll wait, seconds (SQS maximum 20). */
  waitTimeSeconds?: number;
  /**
   * How long a received message stays hidden, seconds. Kept short so a crashed worker's message
   * returns quickly; the heartbeat renews it every third of this while the handler runs.
   */
  visibilitySeconds?: number;
}

/** A handler ran out of time: internal, it ends the job through `onTimeout` or a retry. */
export class HandlerTimeoutError extends AppError {
  constructor(readonly timeoutMs: number) {
    super('handler_timeout', `the handler did not finish within ${timeoutMs / 1000} s`, {
      status: 504,
      expose: false,
    });
  }
}

const MAX_RECEIVE_BACKOFF_MS = 30_000;

/**
 * Wait after the n-th receive failure in a row (0-based): 1 s doubling to 30 s, with jitter so
 * many consumers of a missing queue or a down endpoint do not retry in step.
 */
export function receiveBackoffMs(failures: number, random = Math.random): number {
  return Math.min(MAX_RECEIVE_BACKOFF_MS, 1000 * 2 ** failures) * (0.5 + random() / 2);
}

function checkOptions(options: QueueConsumerOptions): void {
  const { concurrency = 1, waitTimeSeconds = 20, visibilitySeconds = 30, timeoutMs } = options;
  const problems = [
    !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10
      ? 'concurrency must be an integer from 1 to 10'
      : null,
    !Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20
      ? 'waitTimeSeconds must be an integer from 0 to 20'
      : null,
    !Number.isInteger(visibilitySeconds) || visibilitySeconds < 3 || visibilitySeconds > 43_200
      ? 'visibilitySeconds must be an integer from 3 to 43200 (the heartbeat renews it every third)'
      : null,
    !(timeoutMs > 0) ? 'timeoutMs must be positive' : null,
  ].filter(Boolean);
  if (problems.length) throw new Error(`QueueConsumer ${options.name}: ${problems.join('; ')}`);
}

/**
 * Long-polls one queue and hands each message to `handle`. A message is deleted only after its
 * handler succeeds; while it runs, a heartbeat keeps it hidden, so long work is never handed to a
 * second worker, while a crashed worker's message comes back within `visibilitySeconds`. Each
 * handler has a time limit. An invalid message goes to the dead-letter queue at once; other
 * failures wait out the visibility timeout (a natural backoff) until redrive. `stop()` stops
 * receiving and waits for the messages in flight.
 */
export class QueueConsumer {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Handlers past their time limit, told to stop but still running. */
  private readonly overrunning = new Set<Promise<void>>();
  private abort = new AbortController();
  private lastPollOk = false;

  constructor(private readonly options: QueueConsumerOptions) {
    checkOptions(options);
  }

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
    await this.awaitOverrunning();
  }

  /** Shutdown waits for timed-out handlers to wind down, within a bound: one may ignore its signal. */
  private async awaitOverrunning(): Promise<void> {
    if (!this.overrunning.size) return;
    let timer: NodeJS.Timeout | undefined;
    const graceMs = this.options.overrunGraceMs ?? 10_000;
    const settled = Promise.allSettled([...this.overrunning]).then(() => true);
    const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(resolve, graceMs, false)));
    const done = await Promise.race([settled, gaveUp]);
    clearTimeout(timer);
    if (!done)
      this.options.logger.error(
        { queue: this.options.name, handlers: this.overrunning.size, grace_ms: graceMs },
        'timed-out handlers still running at shutdown; stopping without them',
      );
  }

  private async poll(): Promise<void> {
    const { sqs, queueUrl, logger } = this.options;
    const concurrency = this.options.concurrency ?? 1;
    let failures = 0;
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
            VisibilityTimeout: this.options.visibilitySeconds ?? 30,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.abort.signal },
        );
        this.lastPollOk = true;
        failures = 0;
        for (const message of Messages) {
          const work = this.process(message).finally(() => this.inFlight.delete(work));
          this.inFlight.add(work);
        }
      } catch (error) {
        if (!this.running) break;
        this.lastPollOk = false;
        const delay = receiveBackoffMs(failures++);
        logger.error(
          { err: error, queue: this.options.name, retry_in_ms: Math.round(delay) },
          'receiving from the queue failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async process(message: Message): Promise<void> {
    const { sqs, queueUrl, logger, metrics, name } = this.options;
    const sent = Number(message.Attributes?.SentTimestamp);
    if (sent) metrics.queueLag.observe({ queue: name }, Math.max(0, Date.now() - sent) / 1000);
    const visibility = this.options.visibilitySeconds ?? 30;
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
          .catch((err: unknown) =>
            logger.warn({ err, queue: name }, 'could not extend message visibility'),
          );
      },
      (visibility * 1000) / 3,
    );
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new HandlerTimeoutError(this.options.timeoutMs)),
      this.options.timeoutMs,
    );
    try {
      await this.runWithinLimit(message, deadline.signal);
      await this.delete(message);
      metrics.messages.inc({ queue: name, outcome: 'handled' });
    } catch (error) {
      await this.onFailure(message, error);
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
    }
  }

  /** The handler's result, or a HandlerTimeoutError once its time is up (it is told to stop). */
  private runWithinLimit(message: Message, signal: AbortSignal): Promise<void> {
    const handled = this.options.handle(message, signal);
    const timedOut = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    handled.catch(() => undefined); // its error is reported by the race, or was overtaken by the timeout
    // Past its limit the handler still runs until it heeds the signal: shutdown waits for it.
    signal.addEventListener(
      'abort',
      () => {
        const winding = handled.then(
          () => undefined,
          () => undefined,
        );
        this.overrunning.add(winding);
        void winding.finally(() => this.overrunning.delete(winding));
      },
      { once: true },
    );
    return Promise.race([handled, timedOut]);
  }

  private async onFailure(message: Message, error: unknown): Promise<void> {
    const { logger, metrics, name } = this.options;
    const receiveCount = message.Attributes?.ApproximateReceiveCount;
    if (error instanceof InvalidMessageError && this.options.deadLetterQueueUrl) {
      metrics.messages.inc({ queue: name, outcome: 'invalid' });
      logger.error(
        { err: error, queue: name, receive_count: receiveCount },
        'invalid message moved to the dead-letter queue',
      );
      await this.moveToDeadLetterQueue(message);
      return;
    }
    if (error instanceof HandlerTimeoutError && this.options.onTimeout) {
      metrics.messages.inc({ queue: name, outcome: 'timed_out' });
      logger.error({ err: error, queue: name }, 'handler ran out of time; ending its job');
      try {
        await this.options.onTimeout(message, error);
        await this.delete(message);
      } catch (endError) {
        logger.error(
          { err: endError, queue: name },
          'ending a timed-out job failed; it will be retried',
        );
      }
      return;
    }
    metrics.messages.inc({ queue: name, outcome: 'failed' });
    logger.error(
      { err: error, queue: name, receive_count: receiveCount },
      'message handling failed; it will be retried',
    );
  }

  private async moveToDeadLetterQueue(message: Message): Promise<void> {
    const { sqs, deadLetterQueueUrl, logger, name } = this.options;
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: message.Body || '(empty message)',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        }),
      );
      await this.delete(message);
    } catch (error) {
      // Redrive still moves it after maxReceiveCount receives.
      logger.error({ err: error, queue: name }, 'moving an invalid message to the DLQ failed');
    }
  }

  private async delete(message: Message): Promise<void> {
    await this.options.sqs.send(
      new DeleteMessageCommand({
        QueueUrl: this.options.queueUrl,
        ReceiptHandle: message.ReceiptHandle,
      }),
    );
  }
}
