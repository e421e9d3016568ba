import {
  claimCheckKey,
  encodeExportRows,
  encodeReportDataset,
  type CampaignLine,
  type RowValues,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { renderExport } from '../../src/render-export.ts';
import {
  campaignRowsHeader,
  fixtureDataset,
  lineValues,
  renderMessage as message,
} from '../datasets.ts';
import { fakeRenderDeps } from '../fakes/recording-ports.ts';

/** The renderer's use case against fakes of every port: no emulator, no Chromium. */
describe('rendering an export (renderer on fakes)', () => {
  const ports = fakeRenderDeps;
  const header = campaignRowsHeader();
  async function rowsText(count: number): Promise<string> {
    // In batches of up to 1,000 rows, as report-builder writes them.
    async function* rows(): AsyncGenerator<
      (RowValues | CampaignLine)[],
      { spend: string; conversion_value: string }
    > {
      for (let start = 0; start < count; start += 1_000)
        yield lineValues(
          header,
          Array.from({ length: Math.min(1_000, count - start) }, (_, j) => ({
            campaign_id: `c${start + j}`,
            campaign_name: `=Campaign ${start + j}, "q"`,
            spend: '0.01',
            clicks: start + j,
          })),
        );
      return { spend: (count / 100).toFixed(2), conversion_value: '0.00' };
    }
    let text = '';
    for await (const lines of encodeExportRows(header, rows())) text += lines.join('');
    return text;
  }

  it('when a CSV is rendered, then the file holds every row, safely quoted, and COMPLETED names it', async () => {
    const deps = ports();
    const job = message({ dataset_rows: 3 });
    deps.claimChecks.texts.set(job.dataset_key, await rowsText(3));
    await renderExport(job, deps);
    const completed = deps.events.events.find((e) => e.status === 'COMPLETED')!;
    const stored = deps.files.files.get(completed.file!.key)!;
    assert.match(completed.file!.key, new RegExp(`^exports/ws_acme/${job.job_id}/[^/]+/.+\\.csv$`));
    assert.equal(stored.contentType, 'text/csv; charset=utf-8');
    const lines = stored.body.toString('utf8').trim().split('\r\n');
    assert.equal(lines.length, 4, 'a header and three rows');
    assert.equal(completed.file!.rows, 3);
    assert.equal(completed.file!.bytes, stored.body.length);
    // A name starting with "=" must not become a formula in a spreadsheet.
    assert.equal(lines[1], `c0,"'=Campaign 0, ""q""",0.01,0`);
  });

  it('when a PDF is rendered, then the dataset is laid out with the workspace name and stored as a PDF', async () => {
    const deps = ports();
    const job = message({
      format: 'PDF',
      dataset_key: claimCheckKey('ws_acme', randomUUID(), 'a', 'json.gz'),
    });
    deps.claimChecks.texts.set(job.dataset_key, encodeReportDataset(fixtureDataset()));
    await renderExport(job, deps);
    const completed = deps.events.events.find((e) => e.status === 'COMPLETED')!;
    const stored = deps.files.files.get(completed.file!.key)!;
    assert.equal(stored.contentType, 'application/pdf');
    assert.match(stored.body.toString('utf8'), /Acme Outdoor GmbH/);
    assert.deepEqual(
      deps.events.events.map((e) => e.progress?.stage ?? e.status),
      ['rendering', 'uploading', 'COMPLETED'],
    );
  });

  it('when the claim check is gone, then the job ends FAILED dataset_missing and no file is written', async () => {
    const deps = ports();
    await renderExport(message(), deps);
    assert.deepEqual(
      deps.events.events.map((e) => e.error?.code),
      ['dataset_missing'],
    );
    assert.equal(deps.files.files.size, 0);
  });

  it('when the job is cancelled while the CSV streams, then no file is kept and nothing completes', async () => {
    const deps = ports();
    const job = message({ dataset_rows: 3 });
    deps.claimChecks.texts.set(job.dataset_key, await rowsText(3));
    // Cancelled after the first look: the one before the upload completes finds it.
    let looks = 0;
    deps.cancellations.isCancelled = async () => ++looks > 1;
    await renderExport(job, deps);
    assert.equal(deps.files.files.size, 0);
    assert.ok(!deps.events.events.some((e) => e.status === 'COMPLETED'));
  });
});
