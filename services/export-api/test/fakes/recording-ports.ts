import { ValidationError, type LogoType } from '@wevion/shared';
import type { Job } from '../../src/domain/job.ts';
import type { Workspace } from '../../src/domain/workspace.ts';
import type {
  Cancellations,
  DownloadSigner,
  ExportApiInboxes,
  ExportFiles,
  ExportQueue,
  LogoRasterizer,
  LogoStore,
  MessageSource,
  WebhookSender,
} from '../../src/ports.ts';

/** Fakes of export-api's small ports: each records what it was asked, for unit tests. */
export class RecordingExportQueue implements ExportQueue {
  readonly sent: { job: Job; workspace: Workspace }[] = [];
  failing = false;

  async enqueue(job: Job, workspace: Workspace): Promise<void> {
    if (this.failing) throw new Error('queue unavailable');
    this.sent.push({ job, workspace });
  }
}

export class RecordingExportFiles implements ExportFiles {
  readonly removed: string[] = [];

  async remove(key: string): Promise<void> {
    this.removed.push(key);
  }
}

export class FakeDownloadSigner implements DownloadSigner {
  async sign(key: string, filename: string) {
    return {
      url: `https://files.test/${key}?filename=${encodeURIComponent(filename)}`,
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
  }
}

export class RecordingCancellations implements Cancellations {
  readonly marked: string[] = [];

  async mark(jobId: string): Promise<void> {
    this.marked.push(jobId);
  }
}

export class RecordingLogoStore implements LogoStore {
  readonly logos = new Map<string, Buffer>();

  async put(key: string, png: Buffer): Promise<void> {
    this.logos.set(key, png);
  }
}

/** Accepts what starts with the PNG signature and "draws" it unchanged; refuses anything else. */
export class FakeLogoRasterizer implements LogoRasterizer {
  async toPng(bytes: Buffer, _type: LogoType): Promise<Buffer> {
    if (!bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])))
      throw new ValidationError('logo_unreadable', '"logo" could not be read as an image', 'logo');
    return bytes;
  }
}

/** Answers every delivery with `status`; `checkTarget` refuses URLs that are not https. */
export class RecordingWebhookSender implements WebhookSender {
  readonly sent: { url: string; body: string; headers: Record<string, string> }[] = [];
  status = 200;

  async send(url: string, body: string, headers: Record<string, string>): Promise<number> {
    this.sent.push({ url, body, headers });
    return this.status;
  }

  async checkTarget(url: string): Promise<void> {
    if (!url.startsWith('https://'))
      throw new ValidationError('invalid_webhook_url', '"url" must be an https URL', 'url');
  }
}

/** A queue a test pushes messages into; `push` resolves when the handler has finished. */
export class PushedMessages implements MessageSource {
  private handle: ((body: string | undefined) => Promise<void>) | null = null;

  start(handle: (body: string | undefined) => Promise<void>): void {
    this.handle = handle;
  }

  async push(body: string): Promise<void> {
    if (!this.handle) throw new Error('the source was not started');
    await this.handle(body);
  }

  async stop(): Promise<void> {
    this.handle = null;
  }
}

export const pushedInboxes = (): ExportApiInboxes &
  Record<keyof ExportApiInboxes, PushedMessages> => ({
  jobEvents: new PushedMessages(),
  jobEventsDeadLetters: new PushedMessages(),
  exportJobsDeadLetters: new PushedMessages(),
  renderJobsDeadLetters: new PushedMessages(),
});
