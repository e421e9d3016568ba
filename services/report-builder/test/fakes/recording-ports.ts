export { FakeCancellations, RecordingJobEvents } from '@wevion/testing/worker-fakes.ts';
import type { RenderReportMessage } from '@wevion/shared';
import type { ClaimCheckWriter, RenderQueue } from '../../src/ports.ts';

/** Fakes of report-builder's ports: each records what it was asked, for unit tests. */
export class RecordingRenderQueue implements RenderQueue {
  readonly messages: RenderReportMessage[] = [];

  async enqueue(message: RenderReportMessage): Promise<void> {
    this.messages.push(message);
  }
}

/** Keeps each claim check's text; a stream that fails midway stores nothing, as S3 does. */
export class InMemoryClaimChecks implements ClaimCheckWriter {
  readonly texts = new Map<string, string>();

  async writeStream(
    key: string,
    chunks: AsyncIterable<Buffer>,
    signal: AbortSignal,
  ): Promise<void> {
    const whole: Buffer[] = [];
    for await (const chunk of chunks) {
      signal.throwIfAborted();
      whole.push(chunk);
    }
    this.texts.set(key, Buffer.concat(whole).toString('utf8'));
  }

  async write(key: string, text: string): Promise<void> {
    this.texts.set(key, text);
  }
}
