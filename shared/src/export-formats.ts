/**
 * The export formats, one entry each: every place that treats formats differently reads this
 * table or keeps a `Record<ExportFormat, …>` of its own, so adding a format is a compile error
 * everywhere it must be handled, never a silent fall-through. Dependency-free: the page imports
 * it too.
 */
export const EXPORT_FORMATS = ['CSV', 'PDF', 'XLSX'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What report-builder writes to the claim check for a format. */
export type DatasetKind =
  /** Gzip NDJSON export rows in the CSV layout's order, streamed. */
  | 'rows'
  /** One gzip JSON ReportDataset: totals, series, breakdowns, the previous period. */
  | 'report';

export interface ExportFormatSpec {
  contentType: string;
  /** File name extension, without the dot. */
  extension: string;
  /** Takes the layout fields (dimensions, granularity, metrics, currency column, BOM). */
  takesLayout: boolean;
  dataset: DatasetKind;
  /** Its file is rows a user can count ("12,400 rows"); a PDF's pages are not rows. */
  hasRows: boolean;
}

export const EXPORT_FORMAT_SPECS: Readonly<Record<ExportFormat, ExportFormatSpec>> = {
  CSV: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    takesLayout: true,
    dataset: 'rows',
    hasRows: true,
  },
  PDF: {
    contentType: 'application/pdf',
    extension: 'pdf',
    takesLayout: false,
    dataset: 'report',
    hasRows: false,
  },
  XLSX: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    takesLayout: true,
    dataset: 'rows',
    hasRows: true,
  },
};

/** The formats that take a layout, and those whose sections are fixed. */
export const LAYOUT_FORMATS = EXPORT_FORMATS.filter((f) => EXPORT_FORMAT_SPECS[f].takesLayout);
export const FIXED_FORMATS = EXPORT_FORMATS.filter((f) => !EXPORT_FORMAT_SPECS[f].takesLayout);

/** "CSV or PDF", "CSV, PDF or XLSX": how errors name a set of formats. */
export function formatList(formats: readonly ExportFormat[], conjunction = 'or'): string {
  return formats.length < 2
    ? formats.join('')
    : `${formats.slice(0, -1).join(', ')} ${conjunction} ${formats.at(-1)}`;
}
