import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Resolves once a queue holds no message, visible or in flight: what was sent has been handled.
 * Tests wait on this instead of sleeping before they assert that nothing (else) happened.
 */
export async function queueDrained(sqs: SQSClient, queueUrl: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${queueUrl} still holds ${left} messages`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
