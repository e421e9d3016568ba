import {
  decodeExportRows,
  EXPORT_FORMAT_SPECS,
  exportFilename,
  PLATFORM_LABELS,
  stopIfCancelled,
  type ExportRowsHeader,
  type ExportRowsReader,
  type ExportRowsTrailer,
  type Platform,
  type RenderReportMessage,
} from '@wevion/shared';
import { DIMENSION_LABELS, GRANULARITY_LABELS } from '@wevion/shared/report-format.ts';
import type ExcelJS from 'exceljs';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import {
  countsAdder,
  EXCEL_MAX_ROWS,
  minorOf,
  xlsxColumns,
  type Counts,
  type Sums,
  type XlsxColumn,
} from './domain/xlsx-columns.ts';
import { exportKey, type RenderAttempt, type RenderDeps } from './render-attempt.ts';

/** Zipped output held for the upload before the row loop waits for it to be read. */
const OUTPUT_BUFFER_BYTES = 4 * 1024 * 1024;
/** Rows (at least: the looks fall between batches) between two looks at the buffer, progress and cancellation. */
const ROWS_PER_CHECK = 2_000;
/** Excel's widest column is 255 characters; beyond ~60 a column is unreadable anyway. */
const MAX_COLUMN_WIDTH = 60;

/** Why a layout cannot be a workbook, said so the user can choose one that can. */
export function tooManyRowsMessage(rows: number): string {
  return `This layout has ${rows.toLocaleString('en')} rows and Excel opens at most ${(EXCEL_MAX_ROWS - 2).toLocaleString('en')} (with the header and totals rows). Choose fewer dimensions (no campaign, or no account), dates by week or month, or a shorter range; or export CSV.`;
}

/** First pass over the claim check: each column's widest value, the sums, the trailer. */
async function measure(
  batches: ExportRowsReader['batches'],
  columns: readonly XlsxColumn[],
  header: ExportRowsHeader,
) {
  const widths = columns.map((c) => c.minWidth);
  const counts: Counts = { impressions: 0, clicks: 0, conversions: 0 };
  const addToCounts = countsAdder(header);
  let rows = 0;
  let next = await batches.next();
  while (!next.done) {
    for (const values of next.value) {
      columns.forEach((column, i) => {
        widths[i] = Math.max(widths[i]!, column.width(column.cell(values)));
      });
      addToCounts(counts, values);
    }
    rows += next.value.length;
    next = await batches.next();
  }
  return { widths, counts, rows, trailer: next.value };
}

/**
 * XLSX: the rows as typed cells on a "Data" sheet (frozen header, autofilter, fitted widths, a
 * totals row), then an "About" sheet (the report's facts, rates, freshness, warnings). The claim
 * check is read twice: once to fit the columns and sum the totals, once to stream the workbook
 * into the multipart upload, so neither the rows nor the file are ever held whole.
 */
export async function renderXlsx(
  { message, claimCheck, signal, event }: RenderAttempt,
  deps: RenderDeps,
): Promise<void> {
  // Refused before anything is written: a workbook is never cut short.
  const tooMany = (rows: number) =>
    event({
      status: 'FAILED',
      error: { code: 'too_many_rows', message: tooManyRowsMessage(rows) },
    });
  const total = message.dataset_rows ?? 0;
  if (total + 2 > EXCEL_MAX_ROWS) return tooMany(total);
  const { header, batches: first } = await decodeExportRows(claimCheck, message.dataset_key);
  const columns = xlsxColumns(header);
  const measured = await measure(first, columns, header);
  if (measured.rows !== measured.trailer.rows)
    throw new Error(
      `${message.dataset_key} promises ${measured.trailer.rows} rows but holds ${measured.rows}`,
    );
  if (measured.rows + 2 > EXCEL_MAX_ROWS) return tooMany(measured.rows);
  // The report totals, as on screen: the rows' money adds up to them (the running-total rule).
  const minor = header.currency.minor_units;
  const trailerTotals = measured.trailer.totals;
  const sums: Sums = {
    ...measured.counts,
    spend: minorOf(trailerTotals.spend, minor),
    conversion_value: minorOf(trailerTotals.conversion_value, minor),
  };

  const again = await deps.claimChecks.open(message.dataset_key, signal);
  if (!again) throw new Error(`${message.dataset_key} disappeared between two reads`);
  const { batches } = await decodeExportRows(again, message.dataset_key);

  const { query, layout } = header;
  const filename = exportFilename({
    ...query,
    currency: query.target_currency,
    format: 'XLSX',
    layout,
  });
  const key = exportKey(message, filename);
  const output = new PassThrough({ highWaterMark: OUTPUT_BUFFER_BYTES });
  const { contentType } = EXPORT_FORMAT_SPECS.XLSX;
  const upload = deps.files.writeStream(key, contentType, output, signal);
  // Until the upload is awaited below, a failure of it must not go unhandled.
  upload.catch(() => undefined);

  let rows = 0;
  try {
    // Loaded on the first workbook: a renderer that only makes PDFs and CSVs never holds it.
    const { default: excel } = await import('exceljs');
    const workbook = new excel.stream.xlsx.WorkbookWriter({
      stream: output,
      useStyles: true,
      useSharedStrings: false,
    });
    workbook.creator = 'Wevion';
    workbook.title = `Cross-channel export, ${query.since} to ${query.until}`;
    workbook.created = new Date(header.generated_at);
    const sheet = workbook.addWorksheet('Data', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((column, i) => ({
      key: column.header,
      width: Math.min(MAX_COLUMN_WIDTH, measured.widths[i]! + 2),
      ...(column.numFmt ? { style: { numFmt: column.numFmt } } : {}),
    }));
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    const headerRow = sheet.addRow(columns.map((c) => c.header));
    headerRow.font = { bold: true };
    headerRow.commit();

    const stopIfCancelledNow = () => stopIfCancelled(deps.cancellations, message.job_id, signal);
    let checked = 0;
    let next = await batches.next();
    while (!next.done) {
      for (const values of next.value)
        sheet.addRow(columns.map((column) => column.cell(values))).commit();
      rows += next.value.length;
      if (rows - checked >= ROWS_PER_CHECK) {
        checked = rows;
        signal.throwIfAborted();
        // The upload sets the pace: give the zip a turn, and while its output is full, wait
        // for the upload to read it.
        await new Promise((resolve) => setImmediate(resolve));
        while (output.readableLength >= OUTPUT_BUFFER_BYTES) await once(output, 'data');
        await stopIfCancelledNow();
        const percent = total ? 60 + Math.floor((35 * Math.min(rows, total)) / total) : 60;
        await event({ status: 'RUNNING', progress: { stage: 'rendering', percent, rows } });
      }
      next = await batches.next();
    }
    const totals = sheet.addRow(
      columns.map((column, i) => (i === 0 ? 'Total' : column.total(sums))),
    );
    totals.font = { bold: true };
    // The label is text even in a date column.
    totals.getCell(1).numFmt = '@';
    totals.commit();
    sheet.commit();
    writeAbout(workbook, message, header, measured.trailer, rows);
    await stopIfCancelledNow();
    await workbook.commit();
  } catch (error) {
    // The upload is aborted: no part of a workbook is ever stored.
    output.destroy(error as Error);
    await upload.catch(() => undefined);
    throw error;
  }
  const { bytes, sha256 } = await upload;
  await event({
    status: 'COMPLETED',
    file: { key, bytes, rows, sha256, content_type: contentType },
    ...(message.warnings ? { warnings: message.warnings } : {}),
  });
  deps.logger.info({ job_id: message.job_id, key, bytes, rows }, 'XLSX rendered');
}

/** The About sheet: what the numbers are, in label and value pairs, then the tables. */
function writeAbout(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  message: RenderReportMessage,
  header: ExportRowsHeader,
  trailer: ExportRowsTrailer,
  rows: number,
): void {
  const about = workbook.addWorksheet('About');
  about.columns = [{ width: 26 }, { width: 60 }, { width: 14 }, { width: 14 }, { width: 14 }];
  const { query, layout, period } = header;
  const add = (...cells: (string | number | null)[]) => about.addRow(cells).commit();
  const heading = (text: string) => {
    const row = about.addRow([text]);
    row.font = { bold: true };
    row.commit();
  };
  heading('Cross-channel analytics export');
  add('Workspace', message.workspace.name);
  add('Range', `${period.since} to ${period.until} (both included)`);
  add('Time zone', `${period.timezone}: dates are calendar days there`);
  add('Currency', `${header.currency.code}: every amount is converted to it`);
  add('Platforms', query.platforms.map((p) => PLATFORM_LABELS[p as Platform] ?? p).join(', '));
  add(
    'Rows',
    `One per ${layout.dimensions.map((d) => DIMENSION_LABELS[d].toLowerCase()).join(', ')}; dates by ${GRANULARITY_LABELS[layout.granularity].toLowerCase()}`,
  );
  add('Data rows', rows);
  add('Generated at', `${header.generated_at} (UTC)`);
  add();
  heading('Data freshness: the newest hour stored per platform (UTC)');
  for (const { platform, latest_ts } of header.freshness ?? [])
    add(PLATFORM_LABELS[platform] ?? platform, latest_ts ?? 'no data');
  add();
  heading(`Exchange rates used${header.fx_source ? ` (${header.fx_source})` : ''}`);
  add('Currency', 'Days converted', 'Lowest', 'Highest', 'Average');
  for (const note of trailer.fx_notes ?? [])
    add(
      note.currency,
      note.identity ? 'no conversion' : note.days_converted,
      note.rate_min,
      note.rate_max,
      note.rate_avg,
    );
  add();
  heading('Warnings');
  for (const warning of message.warnings ?? []) add(warning.code, warning.message);
  if (!message.warnings?.length) add('none');
  about.commit();
}
