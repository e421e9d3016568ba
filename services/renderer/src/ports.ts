import type { ReportView } from './domain/report-view.ts';

export interface PrintRequest {
  html: string;
  /**
   * Chromium's header and footer templates, printed in the page margins apart from the page:
   * no page style or font reaches them, so each brings its own. Their `pageNumber` and
   * `totalPages` spans are filled in. Without them the margins stay blank.
   */
  headerTemplate?: string;
  footerTemplate?: string;
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
