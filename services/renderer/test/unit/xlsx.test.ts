import {
  claimCheckFields,
  csvLayoutOf,
  encodeExportRows,
  EXPORT_ROWS_SCHEMA_VERSION,
  type ClaimCheckField,
  type CampaignLine,
  type RowValues,
  type ExportRowsHeader,
} from '@wevion/shared';
import { excelDate, readXlsx } from '@wevion/testing/xlsx-reader.ts';
import assert from 'node:assert/strict';
import { minorOf, moneyFormat, xlsxColumns } from '../../src/domain/xlsx-columns.ts';
import { renderExport } from '../../src/render-export.ts';
import { lineValues, renderMessage } from '../datasets.ts';
import { fakeRenderDeps } from '../fakes/recording-ports.ts';

/**
 * The XLSX renderer on fakes, its file read back by an independent reader (yauzl and
 * fast-xml-parser, not the writer): cell types, number formats, totals, the About sheet, and
 * that no text becomes a formula.
 */
describe('an XLSX export (renderer on fakes, read back independently)', () => {
  const ports = fakeRenderDeps;

  const header = (currency: { code: string; minor_units: number }): ExportRowsHeader => {
    const layout = csvLayoutOf({
      dimensions: ['date', 'campaign'],
      metrics: ['spend', 'impressions', 'clicks', 'ctr', 'roas', 'conversion_value', 'cpc'],
      include_currency: true,
    });
    return {
      type: 'header',
      schema_version: EXPORT_ROWS_SCHEMA_VERSION,
      generated_at: '2026-12-06T10:00:00.000Z',
      query: {
        workspace_id: 'ws_acme',
        since: '2026-08-01',
        until: '2026-08-02',
        platforms: ['meta'],
        target_currency: currency.code,
        timezone: 'Europe/Berlin',
        compare_previous: false,
        top_n: 10,
      },
      layout,
      currency,
      period: { since: '2026-08-01', until: '2026-08-02', timezone: 'Europe/Berlin' },
      fields: claimCheckFields(layout),
      fx_source: 'ECB reference rates',
      freshness: [{ platform: 'meta', latest_ts: '2026-12-06T08:00:00.000Z' }],
    };
  };

  // Lines as report-builder writes them: the ratios' sums, not the ratios.
  const ROWS: Partial<Record<ClaimCheckField, unknown>>[] = [
    {
      date: '2026-08-01',
      campaign_id: '000123',
      campaign_name: '=HYPERLINK("http://evil")',
      spend: '10.01',
      impressions: 1000,
      clicks: 20,
      conversion_value: '25.03',
      spend_unrounded: 10.01,
      conversion_value_unrounded: 25.03,
    },
    {
      date: '2026-08-01',
      campaign_id: '9007199254740993',
      campaign_name: '+1 Summer',
      spend: '0.00',
      impressions: 0,
      clicks: 0,
      conversion_value: '0.00',
      spend_unrounded: 0,
      conversion_value_unrounded: 0,
    },
    {
      date: '2026-08-02',
      campaign_id: '000124',
      campaign_name: '@cmd -2 Spring',
      spend: '5.00',
      impressions: 500,
      clicks: 10,
      conversion_value: '5.00',
      spend_unrounded: 5,
      conversion_value_unrounded: 5,
    },
  ];

  async function render(
    currency: { code: string; minor_units: number },
    rows = ROWS,
    totals = { spend: '15.01', conversion_value: '30.03' },
  ) {
    async function* source(): AsyncGenerator<(RowValues | CampaignLine)[], typeof totals> {
      yield lineValues(header(currency), rows);
      return totals;
    }
    let text = '';
    const fxNotes = () => ({
      fx_notes: [
        {
          currency: 'USD',
          identity: false,
          rate_min: 0.91,
          rate_max: 0.93,
          rate_avg: 0.92,
          days_converted: 2,
          fallbacks: [],
        },
      ],
    });
    for await (const lines of encodeExportRows(header(currency), source(), undefined, fxNotes))
      text += lines.join('');
    const deps = ports();
    const job = renderMessage({
      format: 'XLSX',
      dataset_rows: rows.length,
      warnings: [{ code: 'range_in_future', message: 'The range ends after today.' }],
    });
    deps.claimChecks.texts.set(job.dataset_key, text);
    await renderExport(job, deps);
    return { deps, job };
  }

  it('when rendered, then each column is a typed cell with its number format, under a frozen, filtered header', async () => {
    const { deps } = await render({ code: 'EUR', minor_units: 2 });
    const completed = deps.events.events.find((e) => e.status === 'COMPLETED')!;
    assert.match(completed.file!.key, /\.xlsx$/);
    assert.equal(
      completed.file!.content_type,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    assert.equal(completed.file!.rows, 3);
    const stored = deps.files.files.get(completed.file!.key)!;
    const book = await readXlsx(stored.body);
    assert.deepEqual(
      book.sheets.map((s) => s.name),
      ['Data', 'About'],
    );
    assert.equal(book.properties.creator, 'Wevion');
    assert.match(book.properties.title!, /2026-08-01 to 2026-08-02/);
    const data = book.sheet('Data');
    assert.equal(data.frozenRows, 1);
    assert.equal(data.autoFilter, 'A1:K1');
    const [head, first, second] = data.rows;
    assert.deepEqual(
      head!.map((c) => c!.value),
      [
        'date',
        'campaign_id',
        'campaign_name',
        'currency',
        'spend',
        'impressions',
        'clicks',
        'ctr',
        'roas',
        'conversion_value',
        'cpc',
      ],
    );
    assert.ok(
      head!.every((c) => c!.bold),
      'a bold header',
    );
    const cell = (row: typeof first, i: number) => row![i]!;
    // A date is a number with a date format, the date itself.
    assert.equal(cell(first, 0).type, 'n');
    assert.equal(cell(first, 0).numFmt, 'yyyy-mm-dd');
    assert.equal(excelDate(cell(first, 0).value as number), '2026-08-01');
    // Ids stay text, leading zeros and 16 digits intact.
    assert.equal(cell(first, 1).type === 'n', false);
    assert.equal(cell(first, 1).value, '000123');
    assert.equal(cell(second, 1).value, '9007199254740993');
    // Money: a number in the currency's format; counts integers; rates percentages; ROAS 2 places.
    assert.deepEqual(
      [cell(first, 4).type, cell(first, 4).value, cell(first, 4).numFmt],
      ['n', 10.01, moneyFormat('EUR', 2)],
    );
    assert.match(moneyFormat('EUR', 2), /^"€"#,##0\.00;/);
    assert.deepEqual([cell(first, 5).value, cell(first, 5).numFmt], [1000, '#,##0']);
    assert.deepEqual([cell(first, 7).value, cell(first, 7).numFmt], [0.02, '0.00%']);
    assert.deepEqual([cell(first, 8).value, cell(first, 8).numFmt], [25.03 / 10.01, '0.00']);
    assert.deepEqual(
      [cell(first, 10).value, cell(first, 10).numFmt],
      [0.5005, moneyFormat('EUR', 2)],
    );
    assert.equal(cell(first, 3).value, 'EUR');
    // A ratio without a denominator is an empty cell, not a zero.
    assert.equal(second![7]?.value ?? null, null);
    // Columns are as wide as their longest value.
    assert.ok(data.widths[2]! >= '=HYPERLINK("http://evil")'.length, `${data.widths[2]}`);
  });

  it('when names start with = + - or @, then they are text cells; the file holds no formula at all', async () => {
    const { deps } = await render({ code: 'EUR', minor_units: 2 });
    const key = deps.events.events.find((e) => e.status === 'COMPLETED')!.file!.key;
    const book = await readXlsx(deps.files.files.get(key)!.body);
    const names = book
      .sheet('Data')
      .rows.slice(1, 4)
      .map((r) => r[2]!);
    assert.deepEqual(
      names.map((c) => c.value),
      ['=HYPERLINK("http://evil")', '+1 Summer', '@cmd -2 Spring'],
    );
    assert.ok(names.every((c) => c.type !== 'n' && c.formula === null));
    for (const sheet of book.sheets)
      for (const c of sheet.cells.values()) assert.equal(c.formula, null);
  });

  it('when the totals row is read, then its money equals the report totals and its ratios come from the sums', async () => {
    const { deps } = await render({ code: 'EUR', minor_units: 2 });
    const key = deps.events.events.find((e) => e.status === 'COMPLETED')!.file!.key;
    const data = (await readXlsx(deps.files.files.get(key)!.body)).sheet('Data');
    const totals = data.rows[4]!;
    assert.equal(totals[0]!.value, 'Total');
    assert.ok(totals[0]!.bold);
    assert.equal(totals[4]!.value, 15.01, 'spend: the report total');
    assert.equal(totals[9]!.value, 30.03, 'conversion value: the report total');
    assert.equal(totals[5]!.value, 1500);
    assert.equal(totals[6]!.value, 30);
    assert.equal(totals[7]!.value, 30 / 1500, 'CTR from the sums');
    assert.equal(totals[8]!.value, 30.03 / 15.01, 'ROAS from the sums');
    assert.equal(totals[10]!.value, 15.01 / 30, 'CPC from the sums');
    // The rows add up to the totals exactly, in minor units.
    const cents = data.rows
      .slice(1, 4)
      .reduce((sum, r) => sum + Math.round((r[4]!.value as number) * 100), 0);
    assert.equal(cents, 1501);
  });

  it('when a layout has CPM and CPA, then their totals are spend per thousand impressions and per conversion', () => {
    const layout = csvLayoutOf({
      dimensions: ['date'],
      metrics: ['spend', 'impressions', 'conversions', 'cpm', 'cpa'],
    });
    const columns = xlsxColumns({
      ...header({ code: 'EUR', minor_units: 2 }),
      layout,
      fields: claimCheckFields(layout),
    });
    const sums = {
      spend: minorOf('15.01', 2),
      conversion_value: 0n,
      impressions: 1500,
      clicks: 30,
      conversions: 4,
    };
    const total = (metric: string) => columns.find((c) => c.header === metric)!.total(sums);
    assert.equal(total('cpm'), (1000 * 15.01) / 1500);
    assert.equal(total('cpa'), 15.01 / 4);
  });

  it('when the currency is JPY, then money has no decimals and the yen sign', async () => {
    const { deps } = await render(
      { code: 'JPY', minor_units: 0 },
      [
        {
          ...ROWS[0]!,
          spend: '1001',
          conversion_value: '2503',
          spend_unrounded: 1001,
          conversion_value_unrounded: 2503,
        },
      ],
      { spend: '1001', conversion_value: '2503' },
    );
    const key = deps.events.events.find((e) => e.status === 'COMPLETED')!.file!.key;
    const first = (await readXlsx(deps.files.files.get(key)!.body)).sheet('Data').rows[1]!;
    assert.equal(first[4]!.value, 1001);
    assert.equal(first[4]!.numFmt, moneyFormat('JPY', 0));
    assert.match(first[4]!.numFmt, /^"[¥￥]"#,##0;/);
  });

  it('when the About sheet is read, then it names the workspace, range, zone, currency, rates, freshness and warnings', async () => {
    const { deps } = await render({ code: 'EUR', minor_units: 2 });
    const key = deps.events.events.find((e) => e.status === 'COMPLETED')!.file!.key;
    const about = (await readXlsx(deps.files.files.get(key)!.body)).sheet('About');
    const text = about.rows.map((r) => r.map((c) => c?.value ?? '').join(' | ')).join('\n');
    for (const expected of [
      /Workspace \| Acme/,
      /Range \| 2026-08-01 to 2026-08-02/,
      /Time zone \| Europe\/Berlin/,
      /Currency \| EUR/,
      /Exchange rates used \(ECB reference rates\)/,
      /USD \| 2 \| 0\.91 \| 0\.93 \| 0\.92/,
      /Meta \| 2026-12-06T08:00:00.000Z/,
      /range_in_future \| The range ends after today\./,
      /Generated at \| 2026-12-06T10:00:00.000Z/,
    ])
      assert.match(text, expected);
  });

  it('when a layout has more rows than Excel opens, then the job FAILED says so and suggests a coarser layout; no file', async () => {
    const deps = ports();
    const job = renderMessage({ format: 'XLSX', dataset_rows: 1_048_575 });
    deps.claimChecks.texts.set(job.dataset_key, 'unused');
    await renderExport(job, deps);
    const failed = deps.events.events.find((e) => e.status === 'FAILED')!;
    assert.equal(failed.error!.code, 'too_many_rows');
    assert.match(failed.error!.message, /1,048,575 rows.*at most 1,048,574.*fewer dimensions/);
    assert.equal(deps.files.files.size, 0);
  });
});
