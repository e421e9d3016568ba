import type { S3Client } from '@aws-sdk/client-s3';
import {
  EXPORT_ROWS_SCHEMA_VERSION,
  exportRowFields,
  minorUnits,
  periodStart,
  textChunks,
  uploadStream,
  type CalendarDate,
  type CsvLayout,
  type ExportRowsHeader,
  type ExportRowsTrailer,
  type ReportQuery,
} from '@wevion/shared';
import { Readable } from 'node:stream';
import { createGzip, constants as zlib } from 'node:zlib';
import { CurrencyConverter } from './domain/currency-converter.ts';
import { exportRows } from './domain/export-rows.ts';
import { FxTable } from './domain/fx-table.ts';
import { localDays } from './domain/local-days.ts';
import type { InsightsStore } from './ports.ts';

export interface WriteExportRowsOptions {
  store: InsightsStore;
  s3: S3Client;
  bucket: string;
  key: string;
  signal: AbortSignal;
  /** Called at most once a second while rows are written; awaited, so it also paces the stream. */
  onProgress: (rows: number) => Promise<void>;
  now?: Date;
}

/**
 * The claim check of a CSV export (`ExportRowsHeader`, rows, trailer) from the store's sorted
 * groups straight into a gzip multipart upload: nothing holds the whole result. A problem the
 * user can fix (a missing FX rate) rejects with its AppError and the upload is dropped.
 */
export async function writeExportRows(
  query: ReportQuery,
  layout: CsvLayout,
  options: WriteExportRowsOptions,
): Promise<{ rows: number; storeGroups: number }> {
  const { store } = options;
  const days = localDays(query.since, query.until, query.timezone);
  const rates = await store.fxRates(await store.fxCurrencies(), query.since, query.until);
  const periodOf = new Map<CalendarDate, CalendarDate | null>(
    days.map((d) => [d.date, periodStart(d.date, layout.granularity, query.since)]),
  );
  const minor = minorUnits(query.target_currency);
  // Counted on the way through: zero groups means the store had no data for the request, even
  // when the file has rows (the date × platform grid is filled with zeros).
  let storeGroups = 0;
  const groups = store.exportGroups({
    workspaceId: query.workspace_id,
    platforms: query.platforms,
    timezone: query.timezone,
    days,
    dimensions: layout.dimensions,
    periodOf,
  });
  async function* counted() {
    for await (const group of groups) {
      storeGroups++;
      yield group;
    }
  }
  const rows = exportRows(counted(), {
    layout,
    platforms: query.platforms,
    periods: [...new Set(periodOf.values())],
    converter: new CurrencyConverter(new FxTable(rates), query.target_currency),
    minorUnits: minor,
  });

  let written = 0;
  /** The NDJSON, a line at a time: header, rows, trailer. */
  async function* lines(): AsyncGenerator<string> {
    const header: ExportRowsHeader = {
      type: 'header',
      schema_version: EXPORT_ROWS_SCHEMA_VERSION,
      generated_at: (options.now ?? new Date()).toISOString(),
      query,
      layout,
      currency: { code: query.target_currency, minor_units: minor },
      period: { since: query.since, until: query.until, timezone: query.timezone },
      fields: exportRowFields(layout),
    };
    const { fields } = header;
    yield `${JSON.stringify(header)}\n`;
    let next = await rows.next();
    while (!next.done) {
      const row = next.value;
      yield `${JSON.stringify(fields.map((field) => row[field] ?? null))}\n`;
      written++;
      next = await rows.next();
    }
    const trailer: ExportRowsTrailer = { type: 'end', rows: written, totals: next.value };
    yield `${JSON.stringify(trailer)}\n`;
  }

  await uploadStream(
    options.s3,
    {
      Bucket: options.bucket,
      Key: options.key,
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
    },
    Readable.from(textChunks(lines(), () => options.onProgress(written))),
    // Level 1: the claim check lives for minutes, so speed matters more than its size.
    [createGzip({ level: zlib.Z_BEST_SPEED })],
    options.signal,
  );
  return { rows: written, storeGroups };
}
