import type {
  CampaignLine,
  ExportRowsHeader,
  ExportRowsTrailer,
  NamedCampaign,
} from './export-rows.ts';
import { REPORT_DATASET_SCHEMA_VERSION, type ReportDataset } from './report-dataset.ts';
import { READABLE_EXPORT_ROWS_VERSIONS, rowFromLine } from './export-rows.ts';

/**
 * The claim checks' text, written by report-builder and read by the renderer through this one
 * codec (gzip is the storage adapters' business). Rows: NDJSON, the header line, one JSON array
 * of the header's `fields` per row, then the trailer; a text without its trailer was cut short.
 * A PDF's dataset: one JSON document.
 */
export type RowValues = readonly unknown[];

/**
 * The NDJSON lines of an export's rows, a batch at a time. `batches` yields the rows in batches
 * (a store chunk's worth: per-row async steps would cost more than the rows), each row the
 * values of the header's `fields` in order, each campaign's line before its first row, and
 * returns the money totals; `written` counts the rows as they pass, for progress. The lines
 * stay separate strings: `utf8Chunks` encodes each into its chunk.
 */
export async function* encodeExportRows(
  header: ExportRowsHeader,
  batches: AsyncGenerator<readonly (RowValues | CampaignLine)[], ExportRowsTrailer['totals']>,
  written: { rows: number } = { rows: 0 },
  /** What the trailer adds once every row is written (the rates used). */
  finish: () => Pick<ExportRowsTrailer, 'fx_notes'> = () => ({}),
): AsyncGenerator<string[]> {
  yield [`${JSON.stringify(header)}\n`];
  let next = await batches.next();
  while (!next.done) {
    const lines = next.value.map((line) => {
      if (Array.isArray(line)) written.rows += 1;
      return `${JSON.stringify(line)}\n`;
    });
    yield lines;
    next = await batches.next();
  }
  const trailer: ExportRowsTrailer = {
    type: 'end',
    rows: written.rows,
    totals: next.value,
    ...finish(),
  };
  yield [`${JSON.stringify(trailer)}\n`];
}

/** A campaign line, numbered next: campaigns are numbered from 0 in the order they are named. */
function isCampaignLine(parsed: unknown, next: number): parsed is CampaignLine {
  const line = parsed as Partial<CampaignLine>;
  return (
    line.type === 'campaign' &&
    line.ref === next &&
    typeof line.id === 'string' &&
    typeof line.name === 'string'
  );
}

/** An export's claim check being read: its header, then its rows in batches, then the trailer. */
export interface ExportRowsReader {
  header: ExportRowsHeader;
  /**
   * Each batch is the rows of one chunk of text, each row the values of `exportRowFields` of the
   * header's layout (its ratios derived from the line's sums); returns the trailer.
   */
  batches: AsyncGenerator<RowValues[], ExportRowsTrailer>;
}

/** Complete lines of streamed text, a chunk's worth at a time, whatever the chunks' boundaries. */
async function* lineBatches(text: AsyncIterable<string>): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of text) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    const full = lines.filter((line) => line !== '');
    if (full.length) yield full;
  }
  if (rest) yield [rest];
}

/**
 * Opens the text of an export's rows: the header is read and checked here (another schema
 * version is refused), the rows stream by batch. A line that is neither a row nor the one
 * trailer, or text that ends before its trailer, fails the read.
 */
export async function decodeExportRows(
  text: AsyncIterable<string>,
  key: string,
): Promise<ExportRowsReader> {
  const lines = lineBatches(text);
  const first = await lines.next();
  const header = (first.done ? null : JSON.parse(first.value[0]!)) as ExportRowsHeader | null;
  if (
    header?.type !== 'header' ||
    !(READABLE_EXPORT_ROWS_VERSIONS as readonly number[]).includes(header.schema_version)
  ) {
    throw new Error(
      `${key} is not export rows of schema ${READABLE_EXPORT_ROWS_VERSIONS.join(' or ')}; this renderer cannot read it`,
    );
  }
  const campaigns: NamedCampaign[] = [];
  const toRow = rowFromLine(header, campaigns);
  async function* batches(): AsyncGenerator<RowValues[], ExportRowsTrailer> {
    let trailer: ExportRowsTrailer | null = null;
    let batch = first.done ? [] : first.value.slice(1);
    for (;;) {
      const rows: RowValues[] = [];
      for (const line of batch) {
        const parsed = JSON.parse(line) as RowValues | CampaignLine | ExportRowsTrailer;
        if (trailer) throw new Error(`${key} has a line after its trailer`);
        if (Array.isArray(parsed)) rows.push(toRow(parsed as RowValues));
        else if (isCampaignLine(parsed, campaigns.length))
          campaigns.push({ id: parsed.id, name: parsed.name });
        else if ((parsed as ExportRowsTrailer).type === 'end')
          trailer = parsed as ExportRowsTrailer;
        else throw new Error(`${key} has a line that is neither a row, a campaign nor its trailer`);
      }
      if (rows.length) yield rows;
      const next = await lines.next();
      if (next.done) break;
      batch = next.value;
    }
    if (!trailer) throw new Error(`${key} ended before its trailer: it was cut short`);
    return trailer;
  }
  return { header, batches: batches() };
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
