import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobEventMessage } from '@wevion/shared';

/**
 * Resolves with the first value `probe` gives that is not `undefined`, polling every
 * `intervalMs`; throws after `timeoutMs`. Tests wait on a condition with it, never on a sleep.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Reads the job events a queue receives (export-api's subscription of the topic) and hands
 * out the first that matches; events read while looking are kept for later questions.
 */
export function jobEventReader(sqs: SQSClient, queueUrl: string) {
  const seen: JobEventMessage[] = [];
  return (predicate: (event: JobEventMessage) => boolean, timeoutMs = 20_000) =>
    eventually(async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          WaitTimeSeconds: 1,
          MaxNumberOfMessages: 10,
        }),
      );
      seen.push(...Messages.map((m) => JSON.parse(m.Body!) as JobEventMessage));
      return seen.find(predicate);
    }, timeoutMs);
}
