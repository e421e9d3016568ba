import { GetQueueAttributesCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  InvalidMessageError,
  QueueConsumer,
  type AwsClients,
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
import { provision, type ResourceEnv } from '../src/provision.ts';

describe('queue consumer on real SQS (fauxqs)', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'wevion-consumer-'));
  let emulators: LocalEmulators;
  let clients: AwsClients;
  let env: ResourceEnv;

  before(async () => {
    emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory: dir });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...emulators.env }, LOCAL_CREDENTIALS);
    ({ env } = await provision(clients, {
      prefix: `c${randomUUID().slice(0, 6)}-`,
      queueOverrides: { 'render-jobs': { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 } },
    }));
  });

  after(async () => {
    destroyAwsClients(clients);
    await emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const consumer = (queueUrl: string, handle: (m: Message) => Promise<void>) =>
    new QueueConsumer({
      name: 'test',
      sqs: clients.sqs,
      queueUrl,
      logger: createLogger('consumer-test', 'silent'),
      metrics: createMetrics('test'),
      handle,
      waitTimeSeconds: 1,
      visibilitySeconds: 2,
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

  it('when stopped mid-message (SIGTERM), then it finishes that message, deletes it, and takes no more', async () => {
    const queue = env.EXPORT_JOBS_QUEUE_URL!;
    const handled: string[] = [];
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const worker = consumer(queue, async (m) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than half the visibility: heartbeat runs
      handled.push(m.Body!);
    });
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'first' }));
    worker.start();
    await inFlight;
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'second' }));
    await worker.stop();
    assert.deepEqual(handled, ['first']);
    assert.equal(await counts(queue), 1, 'only the untouched second message remains');
  });

  it('when a handler fails, then the message is not deleted and comes back; invalid ones reach the DLQ', async () => {
    const queue = env.RENDER_JOBS_QUEUE_URL!;
    let attempts = 0;
    const worker = consumer(queue, async (m) => {
      attempts++;
      if (m.Body === 'poison') throw new InvalidMessageError('never valid');
      if (attempts === 1) throw new Error('transient outage');
    });
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'retry-me' }));
    worker.start();
    const deadline = Date.now() + 15_000;
    while (attempts < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(attempts >= 2, 'redelivered after the visibility timeout');
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'poison' }));
    while ((await counts(env.RENDER_JOBS_DLQ_URL!)) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await worker.stop();
    assert.equal(await counts(env.RENDER_JOBS_DLQ_URL!), 1, 'the poison message was redriven');
    assert.ok(worker.healthy === false, 'a stopped consumer is not healthy');
  });
});
