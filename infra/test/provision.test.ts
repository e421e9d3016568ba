import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  createAwsClients,
  destroyAwsClients,
  publishJobEvent,
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
import { EXPORT_LIFECYCLE_RULES, provision, type ResourceEnv } from '../src/provision.ts';

describe('provisioning against the local emulators', function () {
  this.timeout(30_000);
  let emulators: LocalEmulators;
  let clients: AwsClients;
  let env: ResourceEnv;
  let notes: string[];
  const dir = mkdtempSync(join(tmpdir(), 'wevion-s3-'));

  before(async () => {
    emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory: dir });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...emulators.env }, LOCAL_CREDENTIALS);
    ({ env, notes } = await provision(clients));
  });

  after(async () => {
    destroyAwsClients(clients);
    await emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when provisioned twice, then the same resources come back (idempotent)', async () => {
    assert.deepEqual((await provision(clients)).env, env);
    for (const key of [
      'EXPORT_JOBS_QUEUE_URL',
      'EXPORT_JOBS_DLQ_URL',
      'RENDER_JOBS_QUEUE_URL',
      'RENDER_JOBS_DLQ_URL',
      'EXPORT_API_EVENTS_QUEUE_URL',
      'EXPORT_API_EVENTS_DLQ_URL',
      'EXPORT_EVENTS_TOPIC_ARN',
      'EXPORTS_BUCKET',
    ]) {
      assert.ok(env[key], `${key} is provisioned`);
    }
  });

  it('when a queue is created, then it redrives to its dead-letter queue', async () => {
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: env.EXPORT_JOBS_QUEUE_URL,
        AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
      }),
    );
    const redrive = JSON.parse(Attributes!.RedrivePolicy!);
    assert.match(redrive.deadLetterTargetArn, /export-jobs-dlq$/);
    assert.equal(Number(redrive.maxReceiveCount), 3);
    assert.equal(Attributes!.VisibilityTimeout, '30');
  });

  it('when a job event is published to the topic, then export-api’s queue receives the raw JSON', async () => {
    const event = {
      type: 'JOB_EVENT' as const,
      version: 1 as const,
      job_id: randomUUID(),
      workspace_id: 'ws_acme',
      status: 'RUNNING' as const,
      at: new Date().toISOString(),
      progress: { stage: 'aggregating' as const, percent: 10 },
    };
    await publishJobEvent(clients.sns, env.EXPORT_EVENTS_TOPIC_ARN!, event);
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: env.EXPORT_API_EVENTS_QUEUE_URL, WaitTimeSeconds: 2 }),
    );
    assert.deepEqual(JSON.parse(Messages[0]!.Body!), event);
  });

  it('when an object is stored, then a presigned URL downloads it with plain fetch until it expires', async () => {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: env.EXPORTS_BUCKET,
        Key: 'exports/x.csv',
        Body: 'a,b\n1,2\n',
      }),
    );
    const url = await getSignedUrl(
      clients.s3,
      new GetObjectCommand({
        Bucket: env.EXPORTS_BUCKET,
        Key: 'exports/x.csv',
        ResponseContentDisposition: 'attachment; filename="x.csv"',
      }),
      { expiresIn: 60 },
    );
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'a,b\n1,2\n');
    assert.match(response.headers.get('content-disposition') ?? '', /filename="x.csv"/);
    // s3rver checks presigned expiry (SigV4 signatures themselves it accepts unverified).
    const shortLived = await getSignedUrl(
      clients.s3,
      new GetObjectCommand({ Bucket: env.EXPORTS_BUCKET, Key: 'exports/x.csv' }),
      {
        expiresIn: 1,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.equal((await fetch(shortLived)).status, 403);
  });

  it('when the local S3 cannot store lifecycle rules, then provisioning says so instead of failing', () => {
    // s3rver answers NotImplemented; on AWS the same call stores EXPORT_LIFECYCLE_RULES.
    assert.deepEqual(notes.length, 1);
    assert.match(notes[0]!, /does not support lifecycle rules.*expire after 7 days/);
    assert.deepEqual(
      EXPORT_LIFECYCLE_RULES.map((r) => [r.ID, r.Filter.Prefix, r.Expiration.Days]),
      [
        ['expire-exports', 'exports/', 7],
        ['expire-datasets', 'datasets/', 1],
        ['expire-cancellations', 'cancellations/', 1],
      ],
    );
  });
});
