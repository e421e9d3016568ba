import { Duration, type Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  DEAD_LETTER_RETENTION_SECONDS,
  DEAD_LETTER_SUFFIX,
  QUEUES,
  SUBSCRIPTIONS,
  TOPIC,
  type QueueDefinition,
} from '../resources.ts';

export interface WorkQueue {
  definition: QueueDefinition;
  queue: sqs.Queue;
  dlq: sqs.Queue;
}

/**
 * The queues, their dead-letter queues and the export-events topic, all from `resources.ts`.
 * Created in the stack's own scope, so their logical IDs stay those of a deployed stack.
 */
export function messaging(stack: Stack) {
  const queues = Object.fromEntries(
    QUEUES.map((definition): [string, WorkQueue] => {
      const dlq = new sqs.Queue(stack, `${definition.name}${DEAD_LETTER_SUFFIX}`, {
        retentionPeriod: Duration.seconds(DEAD_LETTER_RETENTION_SECONDS),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new sqs.Queue(stack, definition.name, {
        visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
        receiveMessageWaitTime: Duration.seconds(20),
        deadLetterQueue: { queue: dlq, maxReceiveCount: definition.maxReceiveCount },
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      return [definition.name, { definition, queue, dlq }];
    }),
  );
  const queue = (name: string): WorkQueue => {
    const found = queues[name];
    if (!found) throw new Error(`resources.ts defines no queue ${name}`);
    return found;
  };
  const topic = new sns.Topic(stack, TOPIC.name, { enforceSSL: true });
  for (const subscription of SUBSCRIPTIONS) {
    topic.addSubscription(
      new snsSubscriptions.SqsSubscription(queue(subscription.queue).queue, {
        rawMessageDelivery: true,
      }),
    );
  }
  /** Every queue's URL and its DLQ's, under the variables the services read. */
  const queueEnv = Object.fromEntries(
    Object.values(queues).flatMap(({ definition, queue: q, dlq }) => [
      [definition.env, q.queueUrl],
      [definition.env.replace(/_QUEUE_URL$/, '_DLQ_URL'), dlq.queueUrl],
    ]),
  );
  return { queues: Object.values(queues), queue, topic, queueEnv };
}
