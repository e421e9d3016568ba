import assert from 'node:assert/strict';
import {
  csvColumns,
  DEFAULT_CSV_LAYOUT,
  exportFilename,
  parseCsvLayout,
  ValidationError,
} from '../src/index.ts';

function rejection(input: unknown): ValidationError {
  try {
    parseCsvLayout(input);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('CSV layout', () => {
  it('when nothing is named, then the layout is the spec’s file and its columns the spec’s header', () => {
    assert.deepEqual(parseCsvLayout(undefined), DEFAULT_CSV_LAYOUT);
    assert.equal(
      csvColumns(DEFAULT_CSV_LAYOUT).join(','),
      'date,platform,spend,impressions,clicks,ctr,cpc,cpm,conversions,roas,cpa',
    );
  });

  it('when dimensions, metrics and the currency are named, then columns follow their order', () => {
    const layout = parseCsvLayout({
      dimensions: ['campaign', 'date', 'account'],
      granularity: 'week',
      metrics: ['conversion_value', 'spend'],
      include_currency: true,
    });
    assert.deepEqual(csvColumns(layout), [
      'campaign_id',
      'campaign_name',
      'date',
      'date_end',
      'account_id',
      'account_currency',
      'currency',
      'conversion_value',
      'spend',
    ]);
  });

  it('when a value is not allowed, then the error names the field and lists what is', () => {
    const dimension = rejection({ dimensions: ['date', 'country'] });
    assert.equal(dimension.field, 'dimensions.1');
    assert.match(dimension.message, /may contain only date, platform, account, campaign/);
    assert.match(rejection({ dimensions: [] }).message, /at least one of date, platform/);
    assert.match(rejection({ dimensions: ['date', 'date'] }).message, /must not repeat/);
    const granularity = rejection({ granularity: 'hour' });
    assert.equal(granularity.field, 'granularity');
    assert.match(
      granularity.message,
      /one of day, week, month, total \(daily is accepted for day\)/,
    );
    assert.match(
      rejection({ metrics: ['spend', 'ctr', 'reach'] }).message,
      /may contain only spend, impressions/,
    );
    assert.equal(rejection({ metrics: 'spend' }).field, 'metrics');
    assert.equal(rejection({ include_currency: 'yes' }).field, 'include_currency');
    assert.equal(rejection({ sort: 'spend' }).field, 'sort');
  });

  it('when the old granularity values are sent, then daily means day and total stays total', () => {
    assert.equal(parseCsvLayout({ granularity: 'daily' }).granularity, 'day');
    assert.equal(parseCsvLayout({ granularity: 'total' }).granularity, 'total');
  });

  it('when two exports differ in currency or shape, then their filenames differ', () => {
    const base = { since: '2026-08-01', until: '2026-10-29', format: 'CSV' as const };
    const eur = exportFilename({ ...base, currency: 'EUR', layout: DEFAULT_CSV_LAYOUT });
    const jpy = exportFilename({ ...base, currency: 'JPY', layout: DEFAULT_CSV_LAYOUT });
    assert.equal(eur, 'wevion-cross-channel_2026-08-01_2026-10-29_EUR.csv');
    assert.equal(jpy, 'wevion-cross-channel_2026-08-01_2026-10-29_JPY.csv');
    assert.equal(
      exportFilename({
        ...base,
        currency: 'EUR',
        layout: parseCsvLayout({ dimensions: ['account', 'campaign'] }),
      }),
      'wevion-cross-channel_2026-08-01_2026-10-29_EUR_account-campaign_total.csv',
    );
    assert.equal(
      exportFilename({ ...base, format: 'PDF', currency: 'USD', layout: null }),
      'wevion-cross-channel_2026-08-01_2026-10-29_USD.pdf',
    );
  });
});
