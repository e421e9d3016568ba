import {
  claimCheckFields,
  encodeExportRows,
  EXPORT_ROWS_SCHEMA_VERSION,
  minorUnits,
  periodStart,
  type CalendarDate,
  type CsvLayout,
  type ExportRowsHeader,
  type ReportQuery,
  utf8Chunks,
} from '@wevion/shared';
import { CurrencyConverter } from './domain/currency-converter.ts';
import { exportRows } from './domain/export-rows.ts';
import { FxTable } from './domain/fx-table.ts';
import { localDays } from './domain/local-days.ts';
import type { ClaimCheckWriter, InsightsStore } from './ports.ts';

export interface WriteExportRowsOptions {
  store: InsightsStore;
  claimChecks: ClaimCheckWriter;
  key: string;
  signal: AbortSignal;
  /** Called at most once a second while rows are written; awaited, so it also paces the stream. */
  onProgress: (rows: number) => Promise<void>;
  now?: Date;
}

/**
 * The claim check of a CSV export (`ExportRowsHeader`, rows, trailer) from the store's sorted
 * groups straight into the claim-check store as a stream: nothing holds the whole result. A problem the
 * user can fix (a missing FX rate) rejects with its AppError and the upload is dropped.
 */
export async function writeExportRows(
  query: ReportQuery,
  layout: CsvLayout,
  options: WriteExportRowsOptions,
): Promise<{ rows: number; storeGroups: number }> {
  const { store } = options;
  const days = localDays(query.since, query.until, query.timezone);
  const [currencies, fxSource, freshness] = await Promise.all([
    store.fxCurrencies(),
    store.fxSource(),
    store.freshness(query.workspace_id, query.platforms),
  ]);
  const rates = await store.fxRates(currencies, query.since, query.until);
  const periodOf = new Map<CalendarDate, CalendarDate | null>(
    days.map((d) => [d.date, periodStart(d.date, layout.granularity, query.since)]),
  );
  const minor = minorUnits(query.target_currency);
  const fields = claimCheckFields(layout);
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
    for await (const batch of groups) {
      storeGroups += batch.length;
      yield batch;
    }
  }
  const converter = new CurrencyConverter(new FxTable(rates), query.target_currency);
  const rows = exportRows(counted(), {
    layout,
    platforms: query.platforms,
    periods: [...new Set(periodOf.values())],
    converter,
    minorUnits: minor,
    fields,
  });

  const header: ExportRowsHeader = {
    type: 'header',
    schema_version: EXPORT_ROWS_SCHEMA_VERSION,
    generated_at: (options.now ?? new Date()).toISOString(),
    query,
    layout,
    currency: { code: query.target_currency, minor_units: minor },
    period: { since: query.since, until: query.until, timezone: query.timezone },
    fields,
    fx_source: fxSource,
    freshness,
  };
  const written = { rows: 0 };
  await options.claimChecks.writeStream(
    options.key,
    utf8Chunks(
      encodeExportRows(header, rows, written, () => ({ fx_notes: converter.currencyNotes() })),
      () => options.onProgress(written.rows),
    ),
    options.signal,
  );
  return { rows: written.rows, storeGroups };
}
