import {
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '@wevion/shared';
import {
  BUCKET,
  DEAD_LETTER_RETENTION_SECONDS,
  DEAD_LETTER_SUFFIX,
  KEY_PREFIXES,
  QUEUES,
  SUBSCRIPTIONS,
  TOPIC,
} from './resources.ts';

export interface ProvisionOptions {
  /** Prepended to every queue, topic and bucket name (`staging-`, a test run's id…). */
  prefix?: string;
  /** Overrides per queue name, for tests that want redrive or visibility in seconds. */
  queueOverrides?: Partial<
    Record<string, { visibilityTimeoutSeconds?: number; maxReceiveCount?: number }>
  >;
}

/** The environment variables a service needs to find every resource. */
export type ResourceEnv = Record<string, string>;

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function provisionQueues(sqs: SQSClient, options: ProvisionOptions) {
  const prefix = options.prefix ?? '';
  const env: ResourceEnv = {};
  const arns = new Map<string, string>();
  // The queues are independent of each other: created side by side (each after its DLQ).
  await Promise.all(
    QUEUES.map(async (queue) => {
      const settings = { ...queue, ...options.queueOverrides?.[queue.name] };
      const dlq = await createQueue(sqs, `${prefix}${queue.name}${DEAD_LETTER_SUFFIX}`, {
        MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS),
      });
      const main = await createQueue(sqs, `${prefix}${queue.name}`, {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        ReceiveMessageWaitTimeSeconds: '20',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: String(settings.maxReceiveCount),
        }),
      });
      env[queue.env] = main.url;
      env[queue.env.replace(/_QUEUE_URL$/, '_DLQ_URL')] = dlq.url;
      arns.set(queue.name, main.arn);
    }),
  );
  return { env, arns };
}

async function provisionTopic(sns: SNSClient, prefix: string, queueArns: Map<string, string>) {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${prefix}${TOPIC.name}` }));
  await Promise.all(
    SUBSCRIPTIONS.map(({ queue }) =>
      sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: queueArns.get(queue)!,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      ),
    ),
  );
  return TopicArn!;
}

export const EXPORT_LIFECYCLE_RULES = [
  {
    ID: 'expire-exports',
    Status: 'Enabled' as const,
    Filter: { Prefix: KEY_PREFIXES.exports },
    Expiration: { Days: BUCKET.exportRetentionDays },
  },
  {
    ID: 'expire-datasets',
    Status: 'Enabled' as const,
    Filter: { Prefix: KEY_PREFIXES.datasets },
    Expiration: { Days: BUCKET.datasetRetentionDays },
  },
  {
    ID: 'expire-cancellations',
    Status: 'Enabled' as const,
    Filter: { Prefix: KEY_PREFIXES.cancellations },
    Expiration: { Days: BUCKET.cancellationRetentionDays },
  },
];

/** Returns a note when the S3 endpoint cannot store lifecycle rules (s3rver). */
async function provisionBucket(s3: S3Client, bucket: string): Promise<string | null> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
  try {
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: EXPORT_LIFECYCLE_RULES },
      }),
    );
    return null;
  } catch (error) {
    if ((error as Error).name !== 'NotImplemented') throw error;
    return `This S3 endpoint does not support lifecycle rules; exports are not expired here (on AWS they expire after ${BUCKET.exportRetentionDays} days).`;
  }
}

/**
 * Creates (or confirms) every queue with its dead-letter queue and redrive, the topic and its
 * subscription, and the bucket with its retention rules. Idempotent: safe on every start.
 */
export async function provision(
  clients: AwsClients,
  options: ProvisionOptions = {},
): Promise<{ env: ResourceEnv; notes: string[] }> {
  const prefix = options.prefix ?? '';
  const bucket = `${prefix}${BUCKET.name}`;
  // The bucket needs nothing of the queues and topic, so it is made meanwhile.
  const [{ env, arns }, note] = await Promise.all([
    provisionQueues(clients.sqs, options),
    provisionBucket(clients.s3, bucket),
  ]);
  env[TOPIC.env] = await provisionTopic(clients.sns, prefix, arns);
  env[BUCKET.env] = bucket;
  return { env, notes: note ? [note] : [] };
}
