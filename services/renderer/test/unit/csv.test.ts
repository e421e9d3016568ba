import {
  claimCheckFields,
  csvLayoutOf,
  exportRowFields,
  type CsvLayoutInput,
  type ExportRow,
  type ExportRowsHeader,
} from '@wevion/shared';
import { parse } from 'csv-parse/sync';
import assert from 'node:assert/strict';
import { CsvWriter, textCell } from '../../src/domain/csv.ts';

const metrics = (overrides: Partial<ExportRow> = {}): ExportRow => ({
  spend: '1234.50',
  impressions: 100000,
  clicks: 1234,
  conversions: 12.5,
  conversion_value: '4000.00',
  ctr: 0.01234,
  cpc: 1.000405186385737,
  cpm: 12.345,
  roas: 3.2402,
  cpa: 98.76,
  ...overrides,
});

function header(
  input: CsvLayoutInput = {},
  currency = { code: 'EUR', minor_units: 2 },
): ExportRowsHeader {
  const layout = csvLayoutOf(input);
  return {
    type: 'header',
    schema_version: 2,
    generated_at: '2026-08-03T10:00:00.000Z',
    query: {
      workspace_id: 'ws_test',
      since: '2026-08-01',
      until: '2026-08-02',
      platforms: ['meta', 'google'],
      target_currency: currency.code,
      timezone: 'UTC',
      compare_previous: true,
      top_n: 10,
    },
    layout,
    currency,
    period: { since: '2026-08-01', until: '2026-08-02', timezone: 'UTC' },
    fields: claimCheckFields(layout),
  };
}

const defaultRows: ExportRow[] = [
  { date: '2026-08-01', platform: 'meta', ...metrics() },
  {
    date: '2026-08-02',
    platform: 'google',
    ...metrics({ clicks: 0, ctr: 0, cpc: null, cpa: null, conversions: 0, roas: 0 }),
  },
];

function render(h: ExportRowsHeader, rows: readonly ExportRow[], bom = false): string {
  const writer = new CsvWriter(h, { bom });
  // Rows as the claim check's reader yields them: arrays of the layout's row fields.
  const fields = exportRowFields(h.layout);
  return (
    writer.headerLine() + writer.lines(rows.map((r) => fields.map((f) => r[f] ?? null))).join('')
  );
}

describe('CSV rendering', () => {
  it('when rendered by default, then the header is the spec’s and numbers are fixed-point without thousands separators', () => {
    const text = render(header(), defaultRows);
    assert.ok(
      text.startsWith(
        'date,platform,spend,impressions,clicks,ctr,cpc,cpm,conversions,roas,cpa\r\n',
      ),
    );
    const [, first, second] = text.split('\r\n');
    assert.equal(
      first,
      '2026-08-01,meta,1234.50,100000,1234,0.012340,1.0004,12.3450,12.5,3.2402,98.7600',
    );
    assert.equal(
      second,
      '2026-08-02,google,1234.50,100000,0,0.000000,,12.3450,0,0.0000,',
      'undefined ratios are empty cells',
    );
  });

  it('when conversions are fractional, then they show at most six decimals, without trailing zeros', () => {
    const h = header({ dimensions: ['date'], metrics: ['conversions'] });
    const cells = [2.5, 1 / 3, 2 / 3, 0.1 + 0.2, 1e-7, -1.25, 1e21, 123456.000001].map(
      (conversions) => render(h, [{ date: '2026-08-01', ...metrics({ conversions }) }]),
    );
    assert.deepEqual(
      cells.map((text) => text.split('\r\n')[1]!.split(',')[1]),
      ['2.5', '0.333333', '0.666667', '0.3', '0', '-1.25', '1e+21', '123456.000001'],
    );
  });

  it('when the currency is JPY, then money is as rounded (no decimals) and unit costs have two', () => {
    const text = render(header({}, { code: 'JPY', minor_units: 0 }), [
      { date: '2026-08-01', platform: 'meta', ...metrics({ spend: '16240', cpc: 13.16 }) },
    ]);
    assert.match(text, /\r\n2026-08-01,meta,16240,100000,1234,0\.012340,13\.16,12\.35,/);
  });

  it('when a layout names dimensions, metrics and the currency, then the columns follow it in order', () => {
    const h = header({
      dimensions: ['account', 'campaign'],
      granularity: 'total',
      metrics: ['conversion_value', 'spend', 'roas'],
      include_currency: true,
    });
    const row: ExportRow = {
      account_id: 'act_1',
      account_currency: 'USD',
      campaign_id: 'c1',
      campaign_name: 'Brand',
      ...metrics(),
    };
    assert.equal(
      render(h, [row]),
      'account_id,account_currency,campaign_id,campaign_name,currency,conversion_value,spend,roas\r\n' +
        'act_1,USD,c1,Brand,EUR,4000.00,1234.50,3.2402\r\n',
    );
  });

  it('when text starts with = + - @ tab or CR, then it is neutralised; quotes, commas and line breaks are quoted', () => {
    assert.equal(textCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(textCell('+Lookalike'), "'+Lookalike");
    assert.equal(textCell('-20% Sale'), "'-20% Sale");
    assert.equal(textCell('@mention'), "'@mention");
    assert.equal(textCell('\tTabbed'), "'\tTabbed");
    assert.equal(textCell('Spring\nLaunch, "Hero"'), '"Spring\nLaunch, ""Hero"""');
    assert.equal(textCell('双十一 🎁'), '双十一 🎁');
  });

  it('when campaign names are hostile or in any script, then a real CSV parser reads each back byte for byte', () => {
    const names = [
      'Retargeting, EU',
      'Prospecting "Broad"',
      'Two\r\nlines\nand a bare\rCR',
      '=IMPORTXML(A1)',
      '+Lookalike 1%',
      '-20% Sale',
      '@handle',
      'تخفيضات الصيف',
      'מבצע חורף',
      '双十一大促 · 限时',
      '🚀 Launch 👩🏽‍💻',
      '',
      '"',
    ];
    const h = header({ dimensions: ['campaign'], granularity: 'total' });
    const rows = names.map((campaign_name, i) => ({
      campaign_id: `c,${i}`,
      campaign_name,
      ...metrics(),
    }));
    const bytes = Buffer.from(render(h, rows), 'utf8');
    const records = parse(bytes, { columns: true }) as Record<string, string>[];
    assert.equal(records.length, names.length);
    records.forEach((record, i) => {
      const name = names[i]!;
      const expected = /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
      assert.equal(
        Buffer.from(record.campaign_name!, 'utf8').toString('hex'),
        Buffer.from(expected, 'utf8').toString('hex'),
        `name ${JSON.stringify(name)}`,
      );
      assert.equal(record.campaign_id, `c,${i}`);
      assert.equal(record.spend, '1234.50', 'numbers are never neutralised');
    });
  });

  it('when a BOM is asked for, then the file starts with one and parsers still see the header', () => {
    const text = render(header(), defaultRows, true);
    assert.equal(text.charCodeAt(0), 0xfeff);
    const records = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    assert.equal(records[0]!.date, '2026-08-01');
    assert.notEqual(render(header(), defaultRows).charCodeAt(0), 0xfeff);
  });

  it('when rows are weeks or months, then each says where it ends, within the period', () => {
    const dec = (input: CsvLayoutInput) => {
      const h = header(input);
      return { ...h, period: { ...h.period, since: '2026-11-20', until: '2026-12-05' } };
    };
    const month = parse(
      render(dec({ granularity: 'month' }), [
        { date: '2026-11-20', platform: 'meta', ...metrics() },
        { date: '2026-12-01', platform: 'meta', ...metrics() },
      ]),
      { columns: true },
    ) as Record<string, string>[];
    assert.deepEqual(
      month.map((r) => [r.date, r.date_end]),
      [
        ['2026-11-20', '2026-11-30'],
        ['2026-12-01', '2026-12-05'],
      ],
    );
    const week = parse(
      render(dec({ granularity: 'week' }), [
        { date: '2026-11-20', platform: 'meta', ...metrics() },
        { date: '2026-11-30', platform: 'meta', ...metrics() },
      ]),
      { columns: true },
    ) as Record<string, string>[];
    // 20 Nov 2026 is a Friday: its week ends on Sunday the 22nd; the week of Monday the 30th
    // is cut by the period's end.
    assert.deepEqual(
      week.map((r) => [r.date, r.date_end]),
      [
        ['2026-11-20', '2026-11-22'],
        ['2026-11-30', '2026-12-05'],
      ],
    );
    assert.doesNotMatch(render(header({ granularity: 'day' }), defaultRows), /date_end/);
  });

  it('when the report is aggregated over the period, then the date column holds the ISO interval', () => {
    const text = render(header({ granularity: 'total' }), [
      { date: null, platform: 'meta', ...metrics() },
    ]);
    assert.match(text, /\r\n2026-08-01\/2026-08-02,meta,/);
  });
});
