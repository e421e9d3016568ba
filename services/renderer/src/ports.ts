import type { ReportView } from './domain/report-view.ts';

export interface PrintRequest {
  html: string;
  /** Plain text for the page footer, left of "Page X of Y". */
  footer: string;
}

/** HTML → PDF bytes: headless Chromium in production and tests; a fake in unit tests. */
export interface PdfPrinter {
  /** Launches ahead of the first job, and answers /readyz. */
  warmUp(): Promise<void>;
  print(request: PrintRequest): Promise<Buffer>;
  close(): Promise<void>;
}

/** The report's HTML for a view (handlebars templates). */
export interface ReportTemplate {
  html(view: ReportView): string;
}
