import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { validateMessage, type BusMessage, type JobEventMessage } from './messages.ts';
import type { JobEventFields, JobEventPublisher } from './worker-ports.ts';

/** Validates and sends a command message to a queue. */
export async function sendToQueue(
  sqs: SQSClient,
  queueUrl: string,
  message: BusMessage,
  options: { groupId?: string } = {},
): Promise<void> {
  validateMessage(message.type, message);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      // On a standard queue a group id makes SQS fair queues share a burst out between groups.
      ...(options.groupId ? { MessageGroupId: options.groupId } : {}),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: message.type },
        job_id: { DataType: 'String', StringValue: message.job_id },
      },
    }),
  );
}

/** Validates and publishes a job event to the export-events topic (fanned out to export-api). */
export async function publishJobEvent(
  sns: SNSClient,
  topicArn: string,
  event: JobEventMessage,
): Promise<void> {
  validateMessage('JOB_EVENT', event);
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(event) }));
}

/** The JobEventPublisher port on SNS: each event validated, stamped and published. */
export class SnsJobEventPublisher implements JobEventPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  publish(job: { job_id: string; workspace_id: string }, fields: JobEventFields): Promise<void> {
    return publishJobEvent(this.sns, this.topicArn, {
      type: 'JOB_EVENT',
      version: 1,
      job_id: job.job_id,
      workspace_id: job.workspace_id,
      at: new Date().toISOString(),
      ...fields,
    });
  }
}
