import {
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  InvalidMessageError,
  QueueConsumer,
  receiveBackoffMs,
  type AwsClients,
  type QueueConsumerOptions,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LOCAL_CREDENTIALS,
  startLocalEmulators,
  type LocalEmulators,
} from '../src/local-emulators.ts';
import { eventually } from '@wevion/testing/polling.ts';
import { provision, type ResourceEnv } from '../src/provision.ts';

/** Waits for a yes/no condition (see `eventually`). */
const waitFor = (condition: () => Promise<boolean> | boolean, timeoutMs = 15_000) =>
  eventually(async () => ((await condition()) ? true : undefined), timeoutMs);

describe('queue consumer on real SQS (fauxqs)', function () {
  this.timeout(40_000);
  const dir = mkdtempSync(join(tmpdir(), 'wevion-consumer-'));
  let emulators: LocalEmulators;
  let clients: AwsClients;
  let env: ResourceEnv;

  before(async () => {
    emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory: dir });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...emulators.env }, LOCAL_CREDENTIALS);
  });

  // Fresh queues per test, so no message of one test is seen by another.
  beforeEach(async () => {
    ({ env } = await provision(clients, {
      prefix: `c${randomUUID().slice(0, 6)}-`,
      queueOverrides: { 'render-jobs': { maxReceiveCount: 5 } },
    }));
  });

  after(async () => {
    destroyAwsClients(clients);
    await emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const consumer = (
    queueUrl: string,
    handle: QueueConsumerOptions['handle'],
    options: Partial<QueueConsumerOptions> = {},
  ) =>
    new QueueConsumer({
      name: 'test',
      sqs: clients.sqs,
      queueUrl,
      deadLetterQueueUrl: env.RENDER_JOBS_DLQ_URL!,
      logger: createLogger('consumer-test', 'silent'),
      metrics: createMetrics('test'),
      handle,
      timeoutMs: 10_000,
      waitTimeSeconds: 1,
      visibilitySeconds: 3,
      ...options,
    });

  const counts = async (queueUrl: string) => {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible)
    );
  };
  const send = (queueUrl: string, body: string) =>
    clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

  it('when stopped mid-message (SIGTERM), then it finishes that message, deletes it, and takes no more', async () => {
    const queue = env.EXPORT_JOBS_QUEUE_URL!;
    const handled: string[] = [];
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const worker = consumer(queue, async (m) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 500));
      handled.push(m.Body!);
    });
    await send(queue, 'first');
    worker.start();
    await inFlight;
    await send(queue, 'second');
    await worker.stop();
    assert.deepEqual(handled, ['first']);
    assert.equal(await counts(queue), 1, 'only the untouched second message remains');
  });

  it('when a handler runs longer than the visibility timeout, then the heartbeat keeps the message from a second delivery', async () => {
    const queue = env.RENDER_JOBS_QUEUE_URL!;
    const receipts: string[] = [];
    // Two slots: without the heartbeat the message reappears after 3 s and the idle slot takes it.
    const worker = consumer(
      queue,
      async (m) => {
        receipts.push(m.MessageId!);
        await new Promise((resolve) => setTimeout(resolve, 7000));
      },
      { concurrency: 2 },
    );
    await send(queue, 'long work');
    worker.start();
    await waitFor(() => receipts.length > 0);
    await waitFor(async () => (await counts(queue)) === 0);
    await worker.stop();
    assert.equal(receipts.length, 1, 'delivered once while its handler ran');
  });

  it('when a handler fails, then the message comes back; an invalid one goes to the DLQ at once', async () => {
    const queue = env.RENDER_JOBS_QUEUE_URL!;
    const attempts = new Map<string, number>();
    const worker = consumer(queue, async (m) => {
      attempts.set(m.Body!, (attempts.get(m.Body!) ?? 0) + 1);
      if (m.Body === 'poison') throw new InvalidMessageError('never valid');
      if (attempts.get(m.Body!) === 1) throw new Error('transient outage');
    });
    await send(queue, 'retry-me');
    await send(queue, 'poison');
    worker.start();
    await waitFor(() => (attempts.get('retry-me') ?? 0) >= 2);
    await waitFor(async () => (await counts(env.RENDER_JOBS_DLQ_URL!)) === 1);
    await worker.stop();
    assert.equal(attempts.get('poison'), 1, 'moved on its first receive, not after redrive');
    assert.equal(await counts(queue), 0);
    assert.ok(worker.healthy === false, 'a stopped consumer is not healthy');
  });

  it('when a handler outlives its time limit, then its job is ended, the message deleted and the handler told to stop', async () => {
    const queue = env.EXPORT_JOBS_QUEUE_URL!;
    const ended: string[] = [];
    let aborted = false;
    const worker = consumer(
      queue,
      (_m, signal) =>
        new Promise<void>(() => signal.addEventListener('abort', () => (aborted = true))),
      {
        timeoutMs: 500,
        // This handler never heeds its signal: shutdown gives up on it after the grace.
        overrunGraceMs: 200,
        onTimeout: async (m: Message) => {
          ended.push(m.Body!);
        },
      },
    );
    await send(queue, 'endless');
    worker.start();
    await waitFor(async () => ended.length === 1 && (await counts(queue)) === 0);
    await worker.stop();
    assert.deepEqual(ended, ['endless']);
    assert.ok(aborted, 'the handler saw its signal abort');
  });

  it('when stopped while a timed-out handler winds down, then stop waits for it', async () => {
    const queue = env.EXPORT_JOBS_QUEUE_URL!;
    let windingDown = false;
    let finished = false;
    const worker = consumer(
      queue,
      (_m, signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            windingDown = true;
            // Cleaning up takes a moment after the abort, as a real handler's would.
            setTimeout(() => {
              finished = true;
              resolve();
            }, 700);
          }),
        ),
      { timeoutMs: 300, onTimeout: async () => undefined },
    );
    await send(queue, 'slow to stop');
    worker.start();
    await waitFor(() => windingDown);
    await worker.stop();
    assert.ok(finished, 'stop resolved only after the timed-out handler finished');
  });

  it('when the options cannot work, then the consumer refuses to start', () => {
    assert.throws(
      () => consumer('http://q', async () => {}, { visibilitySeconds: 1 }),
      /visibility/,
    );
    assert.throws(() => consumer('http://q', async () => {}, { concurrency: 0 }), /concurrency/);
    assert.throws(() => consumer('http://q', async () => {}, { timeoutMs: 0 }), /timeoutMs/);
  });

  it('when receiving keeps failing, then it backs off exponentially up to 30 s', () => {
    const noJitter = () => 1;
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 9].map((n) => receiveBackoffMs(n, noJitter)),
      [1000, 2000, 4000, 8000, 16000, 30000, 30000],
    );
    assert.equal(
      receiveBackoffMs(2, () => 0),
      2000,
      'jitter never goes below half',
    );
  });

  it('when its queue does not exist, then the consumer stays up, unhealthy, and keeps retrying', async () => {
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: emulators.env.AWS_ENDPOINT_URL_SQS,
      credentials: LOCAL_CREDENTIALS,
    });
    let receives = 0;
    sqs.middlewareStack.add(
      (next) => (args) => {
        receives++;
        return next(args);
      },
      { step: 'initialize' },
    );
    const worker = new QueueConsumer({
      name: 'missing',
      sqs,
      queueUrl: `${emulators.env.AWS_ENDPOINT_URL_SQS}/000000000000/no-such-queue`,
      logger: createLogger('consumer-test', 'silent'),
      metrics: createMetrics('test'),
      handle: async () => {},
      timeoutMs: 1000,
      waitTimeSeconds: 1,
    });
    worker.start();
    await waitFor(() => receives >= 2, 5000);
    assert.equal(worker.healthy, false);
    await worker.stop();
    sqs.destroy();
  });
});
