import assert from 'node:assert/strict';
import {
  decodeExportRows,
  decodeReportDataset,
  encodeExportRows,
  encodeReportDataset,
  type ExportRow,
  type ExportRowsHeader,
  type ExportRowsTrailer,
  type ReportDataset,
  type RowValues,
} from '../src/index.ts';

const header: ExportRowsHeader = {
  type: 'header',
  schema_version: 1,
  generated_at: '2026-12-06T10:00:00.000Z',
  query: {
    workspace_id: 'ws_acme',
    since: '2026-11-01',
    until: '2026-11-02',
    platforms: ['meta'],
    target_currency: 'EUR',
    timezone: 'Europe/Berlin',
    compare_previous: false,
    top_n: 10,
  },
  layout: {
    dimensions: ['date', 'platform'],
    granularity: 'day',
    metrics: ['spend', 'clicks', 'ctr'],
    include_currency: false,
  },
  currency: { code: 'EUR', minor_units: 2 },
  period: { since: '2026-11-01', until: '2026-11-02', timezone: 'Europe/Berlin' },
  fields: ['date', 'platform', 'spend', 'clicks', 'ctr'],
};
const rows: Partial<ExportRow>[] = [
  { date: '2026-11-01', platform: 'meta', spend: '10.05', clicks: 7, ctr: null },
  { date: '2026-11-02', platform: 'meta', spend: '0.00', clicks: 0, ctr: 0.0125 },
];
const totals = { spend: '10.05', conversion_value: '0.00' };

/** The rows in two batches, as a store's chunks would bring them. */
async function* source(): AsyncGenerator<Partial<ExportRow>[], ExportRowsTrailer['totals']> {
  yield rows.slice(0, 1);
  yield rows.slice(1);
  return totals;
}

/** The encoded text re-chunked at awkward places, as a stream would deliver it. */
async function* rechunked(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function decodeAll(text: AsyncIterable<string>) {
  const { header: decodedHeader, batches } = await decodeExportRows(
    text,
    'datasets/ws_acme/j/a.ndjson.gz',
  );
  const items: (ExportRowsHeader | RowValues)[] = [decodedHeader];
  let next = await batches.next();
  while (!next.done) {
    items.push(...next.value);
    next = await batches.next();
  }
  return { items, trailer: next.value };
}

describe('the claim-check codec', () => {
  it('when rows are encoded and decoded, then header, every row and the trailer come back', async () => {
    const written = { rows: 0 };
    let text = '';
    for await (const lines of encodeExportRows(header, source(), written)) text += lines.join('');
    assert.equal(written.rows, 2);
    for (const size of [1, 7, 4096]) {
      const { items, trailer } = await decodeAll(rechunked(text, size));
      assert.deepEqual(items[0], header);
      assert.deepEqual(items.slice(1), [
        ['2026-11-01', 'meta', '10.05', 7, null],
        ['2026-11-02', 'meta', '0.00', 0, 0.0125],
      ]);
      assert.deepEqual(trailer, { type: 'end', rows: 2, totals });
    }
  });

  it('when the text is cut before its trailer or is of another version, then decoding refuses it', async () => {
    let text = '';
    for await (const lines of encodeExportRows(header, source())) text += lines.join('');
    const cut = text.slice(0, text.lastIndexOf('{"type":"end"'));
    await assert.rejects(decodeAll(rechunked(cut, 64)), /cut short/);
    const future = text.replace('"schema_version":1', '"schema_version":99');
    await assert.rejects(decodeAll(rechunked(future, 64)), /not export rows of schema 1/);
  });

  it('when a dataset is encoded and decoded, then it is the same; another version is refused', () => {
    const dataset = { schema_version: 2, totals: { spend: 1 } } as unknown as ReportDataset;
    assert.deepEqual(decodeReportDataset(encodeReportDataset(dataset), 'k'), dataset);
    assert.throws(
      () => decodeReportDataset(JSON.stringify({ ...dataset, schema_version: 1 }), 'k'),
      /has schema 1, this renderer reads 2/,
    );
  });
});
