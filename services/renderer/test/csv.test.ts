import type { Metrics, ReportDataset } from '@wevion/shared';
import { parse } from 'csv-parse/sync';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvLines, textCell } from '../src/domain/csv.ts';

const metrics = (overrides: Partial<Metrics> = {}): Metrics => ({
  spend: 1234.5,
  impressions: 100000,
  clicks: 1234,
  conversions: 12.5,
  conversion_value: 4000,
  ctr: 0.01234,
  cpc: 1.000405186385737,
  cpm: 12.345,
  roas: 3.2402,
  cpa: 98.76,
  ...overrides,
});

function dataset(overrides: Partial<ReportDataset> = {}): ReportDataset {
  return {
    currency: { code: 'EUR', minor_units: 2 },
    period: { since: '2026-08-01', until: '2026-08-02', days: 2, timezone: 'UTC' },
    rows: [
      { date: '2026-08-01', platform: 'meta', ...metrics() },
      {
        date: '2026-08-02',
        platform: 'google',
        ...metrics({ clicks: 0, ctr: 0, cpc: null, cpa: null, conversions: 0, roas: 0 }),
      },
    ],
    ...overrides,
  } as ReportDataset;
}

const render = (d: ReportDataset, bom = false) => [...csvLines(d, { bom })].join('');

describe('CSV rendering', () => {
  it('when rendered, then the header is the spec’s and numbers are fixed-point without thousands separators', () => {
    const text = render(dataset());
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

  it('when the currency is JPY, then money has no decimals and unit costs two', () => {
    const text = render(
      dataset({
        currency: { code: 'JPY', minor_units: 0 },
        rows: [{ date: '2026-08-01', platform: 'meta', ...metrics({ spend: 16240, cpc: 13.16 }) }],
      }),
    );
    assert.match(text, /\r\n2026-08-01,meta,16240,100000,1234,0\.012340,13\.16,12\.35,/);
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

  it('when a real CSV parser reads the output, then every row and value comes back', () => {
    const records = parse(render(dataset()), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(records[0]!), [...CSV_COLUMNS]);
    assert.equal(records.length, 2);
    assert.equal(Number(records[0]!.spend), 1234.5);
    assert.equal(records[1]!.cpc, '');
  });

  it('when a BOM is asked for, then the file starts with one and parsers still see the header', () => {
    const text = render(dataset(), true);
    assert.equal(text.charCodeAt(0), 0xfeff);
    const records = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    assert.equal(records[0]!.date, '2026-08-01');
    assert.notEqual(render(dataset()).charCodeAt(0), 0xfeff);
  });

  it('when the report is aggregated over the period, then the date column holds the ISO interval', () => {
    const text = render(dataset({ rows: [{ date: null, platform: 'meta', ...metrics() }] }));
    assert.match(text, /\r\n2026-08-01\/2026-08-02,meta,/);
  });
});
