import {
  createLogger,
  createMetrics,
  decodeExportRows,
  decodeReportDataset,
  exportRowFields,
  DEFAULT_CSV_LAYOUT,
  type ExportUnifiedReportMessage,
  type RowValues,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { seedDemoInsights } from '../../src/adapters/duckdb-demo-seeder.ts';
import { DuckDbInsightsStore } from '../../src/adapters/duckdb-insights-store.ts';
import { buildExport } from '../../src/build-export.ts';
import {
  FakeCancellations,
  InMemoryClaimChecks,
  RecordingJobEvents,
  RecordingRenderQueue,
} from '../fakes/recording-ports.ts';

async function* once(text: string) {
  yield text;
}

/** report-builder's use case against fakes of its AWS ports and an in-memory DuckDB store. */
describe('building an export (report-builder on fakes)', () => {
  let store: DuckDbInsightsStore;
  before(async () => {
    store = await DuckDbInsightsStore.open(':memory:');
    await seedDemoInsights(store, {
      seed: 5,
      workspaces: 1,
      platforms: 2,
      campaignsPerPlatform: 3,
      days: 40,
      endDate: '2026-09-30',
      dense: false,
    });
  });
  after(() => store.close());

  const ports = () => ({
    store,
    events: new RecordingJobEvents(),
    cancellations: new FakeCancellations(),
    renderQueue: new RecordingRenderQueue(),
    claimChecks: new InMemoryClaimChecks(),
    logger: createLogger('build-export-unit', 'silent'),
    metrics: createMetrics('report-builder'),
  });
  const message = (
    overrides: Partial<ExportUnifiedReportMessage> = {},
  ): ExportUnifiedReportMessage => ({
    type: 'EXPORT_UNIFIED_REPORT',
    version: 1,
    job_id: randomUUID(),
    workspace_id: 'ws_acme',
    format: 'CSV',
    query: {
      workspace_id: 'ws_acme',
      since: '2026-09-01',
      until: '2026-09-07',
      platforms: ['meta', 'google'],
      target_currency: 'EUR',
      timezone: 'Europe/Berlin',
      compare_previous: false,
      top_n: 10,
    },
    csv: { ...DEFAULT_CSV_LAYOUT },
    options: { csv_bom: false },
    workspace: { name: 'Acme', branding: null },
    requested_at: '2026-10-01T09:00:00.000Z',
    ...overrides,
  });

  it('when a CSV is built, then its rows go to a claim check whose money foots, and the renderer is told', async () => {
    const deps = ports();
    const job = message();
    await buildExport(job, deps);
    const [render] = deps.renderQueue.messages;
    assert.equal(render!.job_id, job.job_id);
    assert.equal(render!.format, 'CSV');
    assert.match(render!.dataset_key, new RegExp(`^datasets/ws_acme/${job.job_id}/`));
    const { header, batches } = await decodeExportRows(
      once(deps.claimChecks.texts.get(render!.dataset_key)!),
      render!.dataset_key,
    );
    const rows: RowValues[] = [];
    let next = await batches.next();
    while (!next.done) {
      rows.push(...next.value);
      next = await batches.next();
    }
    // 7 days × 2 platforms, a row for each even where a day had no spend.
    assert.equal(rows.length, 14);
    assert.equal(render!.dataset_rows, 14);
    const spend = exportRowFields(header.layout).indexOf('spend');
    const cents = rows.reduce((sum, r) => sum + Math.round(Number(r[spend]) * 100), 0);
    assert.equal(
      (cents / 100).toFixed(2),
      next.value.totals.spend,
      'the column foots to the total',
    );
    assert.deepEqual(
      deps.events.events.map((e) => e.progress?.stage),
      ['aggregating', 'rendering'],
    );
  });

  it('when a PDF is built, then its dataset goes to a claim check the renderer can read', async () => {
    const deps = ports();
    const job = message({ format: 'PDF', csv: null });
    await buildExport(job, deps);
    const [render] = deps.renderQueue.messages;
    const dataset = decodeReportDataset(
      deps.claimChecks.texts.get(render!.dataset_key)!,
      render!.dataset_key,
    );
    assert.deepEqual(dataset.query.platforms, ['meta', 'google']);
    assert.ok(dataset.rows_scanned > 0);
    assert.equal(render!.dataset_rows, undefined, 'a PDF has no rows to count');
  });

  it('when the job was cancelled first, then nothing is read, written, sent or said', async () => {
    const deps = ports();
    const job = message();
    deps.cancellations.cancelled.add(job.job_id);
    await buildExport(job, deps);
    assert.equal(deps.claimChecks.texts.size, 0);
    assert.equal(deps.renderQueue.messages.length, 0);
    assert.equal(deps.events.events.length, 0);
  });

  it('when the currency has no rates, then the job ends FAILED with the reason and nothing is rendered', async () => {
    const deps = ports();
    const job = message({ query: { ...message().query, target_currency: 'XAF' } });
    await buildExport(job, deps);
    const failed = deps.events.events.find((e) => e.status === 'FAILED');
    assert.ok(failed, JSON.stringify(deps.events.events));
    assert.match(failed.error!.message, /XAF/);
    assert.equal(deps.renderQueue.messages.length, 0);
  });

  it('when the range has no data, then the file is still made, with a no_data warning', async () => {
    const deps = ports();
    const job = message({
      query: { ...message().query, since: '2025-01-01', until: '2025-01-07' },
    });
    await buildExport(job, deps);
    assert.deepEqual(
      deps.renderQueue.messages[0]!.warnings?.map((w) => w.code),
      ['no_data'],
    );
  });
});
