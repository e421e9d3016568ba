import type { ReportView } from './domain/report-view.ts';

export interface PrintRequest {
  html: string;
  /** Plain text for the page footer, left of "Page X of Y". */
  footer: string;
  /**
   * CSS for the footer (its fonts): Chromium prints header and footer templates apart from the
   * page, without its styles and fonts.
   */
  footerStyle?: string;
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
  /** The footer's own CSS: the report's fonts for its characters, applied to `.report-footer`. */
  footerStyle(footer: string): string;
}
