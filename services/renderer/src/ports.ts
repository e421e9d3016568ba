import type { ReportView } from './domain/report-view.ts';

export interface PrintRequest {
  /** The whole report; its running header and footer are page-margin boxes in its CSS. */
  html: string;
}

/** HTML → PDF bytes: headless Chromium in production and tests; a fake in unit tests. */
export interface PdfPrinter {
  /** Launches ahead of the first job, and answers /readyz. */
  warmUp(): Promise<void>;
  print(request: PrintRequest): Promise<Buffer>;
  close(): Promise<void>;
}

/** What to print for a view: the report's HTML and its running header and footer. */
export interface ReportTemplate {
  render(view: ReportView): PrintRequest;
}

/** The claim checks report-builder wrote, as text (decompressed); `null` when one is gone. */
export interface ClaimCheckReader {
  open(key: string, signal: AbortSignal): Promise<AsyncIterable<string> | null>;
}

/** Finished files, each under its own key; a file once written is never replaced. */
export interface ExportFileStore {
  /** Streams bytes into one file; on any error nothing is stored. Resolves with its facts. */
  writeStream(
    key: string,
    contentType: string,
    body: AsyncIterable<Buffer>,
    signal: AbortSignal,
  ): Promise<{ bytes: number; sha256: string }>;
  write(key: string, contentType: string, body: Buffer, signal: AbortSignal): Promise<void>;
}

/** Workspace logos, read only from where export-api stores them; `null` for any other key. */
export interface LogoReader {
  read(key: string): Promise<Buffer | null>;
}
