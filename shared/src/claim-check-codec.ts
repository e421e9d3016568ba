import type { ExportRow, ExportRowsHeader, ExportRowsTrailer } from './export-rows.ts';
import { REPORT_DATASET_SCHEMA_VERSION, type ReportDataset } from './report-dataset.ts';
import { EXPORT_ROWS_SCHEMA_VERSION } from './export-rows.ts';

/**
 * The claim checks' text, written by report-builder and read by the renderer through this one
 * codec (gzip is the storage adapters' business). Rows: NDJSON, the header line, one JSON array
 * of the header's `fields` per row, then the trailer; a text without its trailer was cut short.
 * A PDF's dataset: one JSON document.
 */
export type RowValues = readonly unknown[];

/**
 * The NDJSON lines of an export's rows. `rows` yields the rows and returns the money totals;
 * `written` counts the rows as they pass, for progress.
 */
export async function* encodeExportRows(
  header: ExportRowsHeader,
  rows: AsyncGenerator<Partial<ExportRow>, ExportRowsTrailer['totals']>,
  written: { rows: number } = { rows: 0 },
  /** What the trailer adds once every row is written (the rates used). */
  finish: () => Pick<ExportRowsTrailer, 'fx_notes'> = () => ({}),
): AsyncGenerator<string> {
  const { fields } = header;
  yield `${JSON.stringify(header)}\n`;
  let next = await rows.next();
  while (!next.done) {
    const row = next.value;
    yield `${JSON.stringify(fields.map((field) => row[field] ?? null))}\n`;
    written.rows++;
    next = await rows.next();
  }
  const trailer: ExportRowsTrailer = {
    type: 'end',
    rows: written.rows,
    totals: next.value,
    ...finish(),
  };
  yield `${JSON.stringify(trailer)}\n`;
}

/** Text chunks as lines, whatever the chunks' boundaries. */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of text) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const line of parts) if (line) yield line;
  }
  if (rest) yield rest;
}

/**
 * Reads the rows back: yields the header first, then each row, and returns the trailer. Throws
 * when the text is of another schema version, has a line out of place, or lacks its trailer.
 */
export async function* decodeExportRows(
  text: AsyncIterable<string>,
  key: string,
): AsyncGenerator<ExportRowsHeader | RowValues, ExportRowsTrailer> {
  let header: ExportRowsHeader | null = null;
  let trailer: ExportRowsTrailer | null = null;
  for await (const line of lines(text)) {
    const parsed = JSON.parse(line) as RowValues | ExportRowsHeader | ExportRowsTrailer;
    if (!header) {
      header = parsed as ExportRowsHeader;
      if (header.type !== 'header' || header.schema_version !== EXPORT_ROWS_SCHEMA_VERSION) {
        throw new Error(
          `${key} is not export rows of schema ${EXPORT_ROWS_SCHEMA_VERSION}; this renderer cannot read it`,
        );
      }
      yield header;
    } else if (Array.isArray(parsed) && !trailer) {
      yield parsed as RowValues;
    } else if (!trailer && (parsed as ExportRowsTrailer).type === 'end') {
      trailer = parsed as ExportRowsTrailer;
    } else {
      throw new Error(`${key} has a line that is neither a row nor its one trailer`);
    }
  }
  if (!header || !trailer) throw new Error(`${key} ended before its trailer: it was cut short`);
  return trailer;
}

export const encodeReportDataset = (dataset: ReportDataset): string => JSON.stringify(dataset);

/** The dataset back, refused when it is of another schema version than this code reads. */
export function decodeReportDataset(text: string, key: string): ReportDataset {
  const dataset = JSON.parse(text) as ReportDataset;
  if (dataset.schema_version !== REPORT_DATASET_SCHEMA_VERSION) {
    throw new Error(
      `dataset ${key} has schema ${dataset.schema_version}, this renderer reads ${REPORT_DATASET_SCHEMA_VERSION}`,
    );
  }
  return dataset;
}
