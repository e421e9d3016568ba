import { createLogger, createMetrics } from '@wevion/shared';
import { FakeCancellations, RecordingJobEvents } from '@wevion/testing/worker-fakes.ts';
import { HandlebarsReportTemplate } from '../../src/adapters/handlebars-report-template.ts';

export { FakeCancellations, RecordingJobEvents };
import { createHash } from 'node:crypto';
import type {
  ClaimCheckReader,
  ExportFileStore,
  LogoReader,
  PdfPrinter,
  PrintRequest,
} from '../../src/ports.ts';

/** Fakes of the renderer's ports: each records what it was asked, for unit tests. */
export class InMemoryClaimChecks implements ClaimCheckReader {
  readonly texts = new Map<string, string>();

  async open(key: string): Promise<AsyncIterable<string> | null> {
    const text = this.texts.get(key);
    if (text === undefined) return null;
    return (async function* () {
      for (let i = 0; i < text.length; i += 100) yield text.slice(i, i + 100);
    })();
  }
}

/** Files by key; a stream that fails midway stores nothing, as an aborted upload does. */
export class InMemoryFileStore implements ExportFileStore {
  readonly files = new Map<string, { contentType: string; body: Buffer }>();

  async writeStream(key: string, contentType: string, stream: AsyncIterable<Buffer>) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    this.files.set(key, { contentType, body });
    return { bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  }

  async write(key: string, contentType: string, body: Buffer): Promise<void> {
    this.files.set(key, { contentType, body });
  }
}

export class InMemoryLogos implements LogoReader {
  readonly logos = new Map<string, Buffer>();

  async read(key: string): Promise<Buffer | null> {
    return this.logos.get(key) ?? null;
  }
}

/** "Prints" the HTML it is given as the file's bytes, so a test can read what was laid out. */
export class HtmlEchoPrinter implements PdfPrinter {
  readonly printed: PrintRequest[] = [];

  async warmUp(): Promise<void> {}

  async print(request: PrintRequest): Promise<Buffer> {
    this.printed.push(request);
    return Buffer.from(request.html, 'utf8');
  }

  async close(): Promise<void> {}
}

const templates = new URL('../../templates/', import.meta.url).pathname;

/** Every port of rendering as a fake, with the real templates: the unit suites' deps. */
export function fakeRenderDeps() {
  return {
    printer: new HtmlEchoPrinter(),
    template: new HandlebarsReportTemplate(templates),
    claimChecks: new InMemoryClaimChecks(),
    files: new InMemoryFileStore(),
    logos: new InMemoryLogos(),
    events: new RecordingJobEvents(),
    cancellations: new FakeCancellations(),
    logger: createLogger('render-unit', 'silent'),
    metrics: createMetrics('renderer'),
  };
}
