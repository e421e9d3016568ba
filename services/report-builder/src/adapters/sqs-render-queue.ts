import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendToQueue, type RenderReportMessage } from '@wevion/shared';
import type { RenderQueue } from '../ports.ts';

export class SqsRenderQueue implements RenderQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(message: RenderReportMessage): Promise<void> {
    return sendToQueue(this.sqs, this.queueUrl, message);
  }
}
