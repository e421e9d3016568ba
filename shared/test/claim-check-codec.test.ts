import assert from 'node:assert/strict';
import {
  claimCheckFields,
  decodeExportRows,
  decodeReportDataset,
  encodeExportRows,
  encodeReportDataset,
  type CampaignLine,
  type ClaimCheckField,
  type CsvLayout,
  type ExportRowsHeader,
  type ExportRowsTrailer,
  type ReportDataset,
  type RowValues,
  RATIO_NAMES,
  ratiosOf,
  SPEC_METRICS,
} from '../src/index.ts';

const header: ExportRowsHeader = {
  type: 'header',
  schema_version: 2,
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
  fields: ['date', 'platform', 'spend', 'clicks', 'impressions'],
};
const rows: Partial<Record<ClaimCheckField, unknown>>[] = [
  { date: '2026-11-01', platform: 'meta', spend: '10.05', clicks: 7, impressions: 0 },
  { date: '2026-11-02', platform: 'meta', spend: '0.00', clicks: 1, impressions: 80 },
];
const totals = { spend: '10.05', conversion_value: '0.00' };

/**
 * The rows in two batches, as a store's chunks would bring them, each row the values of
 * `fields` in order, as report-builder writes them.
 */
async function* source(
  batches = [rows.slice(0, 1), rows.slice(1)],
  fields: readonly ClaimCheckField[] = header.fields,
): AsyncGenerator<RowValues[], ExportRowsTrailer['totals']> {
  for (const batch of batches) yield batch.map((row) => fields.map((f) => row[f] ?? null));
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
  it('when rows are encoded and decoded, then header, every row (its ratios derived) and the trailer come back', async () => {
    const written = { rows: 0 };
    let text = '';
    for await (const lines of encodeExportRows(header, source(), written)) text += lines.join('');
    assert.equal(written.rows, 2);
    for (const size of [1, 7, 4096]) {
      const { items, trailer } = await decodeAll(rechunked(text, size));
      assert.deepEqual(items[0], header);
      assert.deepEqual(items.slice(1), [
        ['2026-11-01', 'meta', '10.05', 7, null],
        ['2026-11-02', 'meta', '0.00', 1, 0.0125],
      ]);
      assert.deepEqual(trailer, { type: 'end', rows: 2, totals });
    }
  });

  it('when the text is cut before its trailer or is of another version, then decoding refuses it', async () => {
    let text = '';
    for await (const lines of encodeExportRows(header, source())) text += lines.join('');
    const cut = text.slice(0, text.lastIndexOf('{"type":"end"'));
    await assert.rejects(decodeAll(rechunked(cut, 64)), /cut short/);
    const future = text.replace('"schema_version":2', '"schema_version":99');
    await assert.rejects(decodeAll(rechunked(future, 64)), /not export rows of schema 1 or 2/);
  });

  it('when a claim check of version 1 (the ratios on each line) is read, then its rows come back as written', async () => {
    const text = [
      { ...header, schema_version: 1, fields: ['date', 'platform', 'spend', 'clicks', 'ctr'] },
      ['2026-11-01', 'meta', '10.05', 7, null],
      ['2026-11-02', 'meta', '0.00', 1, 0.0125],
      { type: 'end', rows: 2, totals },
    ]
      .map((line) => `${JSON.stringify(line)}\n`)
      .join('');
    const { items } = await decodeAll(rechunked(text, 4096));
    assert.deepEqual(items.slice(1), [
      ['2026-11-01', 'meta', '10.05', 7, null],
      ['2026-11-02', 'meta', '0.00', 1, 0.0125],
    ]);
  });

  it('when rows are by campaign, then each id and name is written once and every row gets them back', async () => {
    const layout: CsvLayout = {
      dimensions: ['date', 'campaign'],
      granularity: 'day',
      metrics: ['clicks'],
      include_currency: false,
    };
    const campaignHeader = { ...header, layout, fields: claimCheckFields(layout) };
    assert.deepEqual(campaignHeader.fields, ['date', 'campaign', 'clicks']);
    const day = (date: string) => [
      { type: 'campaign', ref: date === '2026-11-01' ? 0 : 2, id: 'c1', name: `Sale ${date}` },
      [date, date === '2026-11-01' ? 0 : 2, 3],
      ...(date === '2026-11-01'
        ? [{ type: 'campaign', ref: 1, id: 'c2', name: 'Brand, "B"' }]
        : []),
      [date, 1, 4],
    ];
    async function* batches(): AsyncGenerator<(RowValues | CampaignLine)[], typeof totals> {
      yield day('2026-11-01') as (RowValues | CampaignLine)[];
      // c1 renamed on the second day: a second pair; c2 is named already.
      yield day('2026-11-02').filter((l) => Array.isArray(l) || l.id !== 'c2') as (
        RowValues | CampaignLine
      )[];
      return totals;
    }
    const written = { rows: 0 };
    let text = '';
    for await (const lines of encodeExportRows(campaignHeader, batches(), written))
      text += lines.join('');
    assert.equal(written.rows, 4, 'campaign lines are not rows');
    assert.equal(text.split('"c2"').length, 2, 'c2 is named once');
    const { items } = await decodeAll(rechunked(text, 5));
    assert.deepEqual(items.slice(1), [
      ['2026-11-01', 'c1', 'Sale 2026-11-01', 3],
      ['2026-11-01', 'c2', 'Brand, "B"', 4],
      ['2026-11-02', 'c1', 'Sale 2026-11-02', 3],
      ['2026-11-02', 'c2', 'Brand, "B"', 4],
    ]);
    // A row before its campaign is named, or campaigns numbered out of order, are refused.
    const lines = text.split('\n');
    const unnamed = [lines[0], lines[2], ...lines.slice(3)].join('\n');
    await assert.rejects(decodeAll(rechunked(unnamed, 64)), /refers to campaign 0, not named/);
    const skipped = text.replace('"ref":1,', '"ref":5,');
    await assert.rejects(decodeAll(rechunked(skipped, 64)), /neither a row, a campaign nor/);
  });

  it('when a claim check of version 2 (ids and names on each line) is read, then its rows come back as written', async () => {
    const layout: CsvLayout = {
      dimensions: ['campaign'],
      granularity: 'total',
      metrics: ['clicks'],
      include_currency: false,
    };
    const text = [
      { ...header, schema_version: 2, layout, fields: ['campaign_id', 'campaign_name', 'clicks'] },
      ['c1', 'Sale', 3],
      { type: 'end', rows: 1, totals },
    ]
      .map((line) => `${JSON.stringify(line)}\n`)
      .join('');
    const { items } = await decodeAll(rechunked(text, 4096));
    assert.deepEqual(items.slice(1), [['c1', 'Sale', 3]]);
  });

  it('when a layout shows ratios, then its lines carry their inputs and not the ratios', () => {
    const layout = (metrics: CsvLayout['metrics']): CsvLayout => ({
      dimensions: ['campaign'],
      granularity: 'total',
      metrics,
      include_currency: false,
    });
    assert.deepEqual(claimCheckFields(layout(['cpc'])), ['campaign', 'spend_unrounded', 'clicks']);
    assert.deepEqual(claimCheckFields(layout(['roas', 'conversion_value'])), [
      'campaign',
      'conversion_value',
      'conversion_value_unrounded',
      'spend_unrounded',
    ]);
    assert.deepEqual(claimCheckFields(layout(['spend', 'clicks'])), [
      'campaign',
      'spend',
      'clicks',
    ]);
  });

  it('when ratios are derived from a line, then each is bit for bit the one computed from the sums', async () => {
    const layout: CsvLayout = {
      dimensions: ['platform'],
      granularity: 'total',
      metrics: [...SPEC_METRICS, 'conversion_value'],
      include_currency: false,
    };
    // Awkward doubles (a third, a millionth, 10^15) and zero denominators.
    const pick = (i: number, values: number[]) => values[i % values.length]!;
    const sums = Array.from({ length: 200 }, (_, i) => ({
      spend: pick(i, [0, 1 / 3, 1234.567891234567, 1e15 + 0.5, 0.000001]),
      impressions: pick(i, [0, 7, 1_000_003]),
      clicks: pick(i, [0, 3, 99_991, 1]),
      conversions: pick(i, [0, 0.333333, 12.5]),
      conversion_value: pick(i, [0, 2 / 7, 98_765.4321]),
    }));
    const lines: Partial<Record<ClaimCheckField, unknown>>[] = sums.map((s) => ({
      platform: 'meta',
      spend: '0.00',
      conversion_value: '0.00',
      impressions: s.impressions,
      clicks: s.clicks,
      conversions: s.conversions,
      spend_unrounded: s.spend,
      conversion_value_unrounded: s.conversion_value,
    }));
    const rowsHeader = { ...header, layout, fields: claimCheckFields(layout) };
    let text = '';
    for await (const batch of encodeExportRows(rowsHeader, source([lines], rowsHeader.fields)))
      text += batch.join('');
    const { items } = await decodeAll(rechunked(text, 4096));
    const decoded = items.slice(1) as RowValues[];
    const at = (ratio: string) => layout.metrics.indexOf(ratio as never) + 1;
    sums.forEach((s, i) => {
      const expected = ratiosOf(s);
      for (const ratio of RATIO_NAMES) {
        const value = decoded[i]![at(ratio)];
        assert.ok(Object.is(value, expected[ratio]), `${ratio} of row ${i}: ${String(value)}`);
      }
    });
    assert.ok(decoded.some((row) => row[at('cpm')] === null));
    assert.ok(decoded.some((row) => typeof row[at('cpm')] === 'number'));
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
