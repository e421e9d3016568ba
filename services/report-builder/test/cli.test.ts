import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReportQuery, type ReportDataset } from '@wevion/shared';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import { aggregateReport } from '../src/aggregate-report.ts';

const packageDir = new URL('..', import.meta.url).pathname;

function cli(script: string, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
    cwd: packageDir,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('command-line tools', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'wevion-cli-'));
  const storePath = join(dir, 'insights.duckdb');
  const base = [
    '--store',
    storePath,
    '--workspace',
    'ws_acme',
    '--platforms',
    'meta,google',
    '--currency',
    'USD',
  ];

  before(() => {
    const seed = cli('seed', [
      '--out',
      storePath,
      '--seed',
      '3',
      '--workspaces',
      '1',
      '--platforms',
      '2',
      '--campaigns',
      '3',
      '--days',
      '120',
      '--end',
      '2026-06-30',
    ]);
    assert.equal(seed.status, 0, seed.stderr);
    assert.match(seed.stdout, /Seeded .*insights\.duckdb: [\d,]+ hourly rows for 6 campaigns/);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when --if-missing finds a seeded store, then it keeps it', () => {
    const again = cli('seed', ['--out', storePath, '--if-missing']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already has [\d,]+ rows; keeping it/);
  });

  it('when aggregate runs with --json, then it prints the same dataset the engine computes', async () => {
    const args = [
      ...base,
      '--since',
      '2026-05-01',
      '--until',
      '2026-06-29',
      '--timezone',
      'Europe/Berlin',
      '--json',
    ];
    const run = cli('aggregate', args);
    assert.equal(run.status, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as ReportDataset;

    const store = await DuckDbInsightsStore.open(storePath);
    try {
      const query = parseReportQuery(
        {
          workspace_id: 'ws_acme',
          since: '2026-05-01',
          until: '2026-06-29',
          platforms: ['meta', 'google'],
          target_currency: 'USD',
          timezone: 'Europe/Berlin',
        },
        { currencies: await store.fxCurrencies() },
      );
      const direct = await aggregateReport(store, query);
      assert.deepEqual(printed.totals, direct.totals);
      assert.deepEqual(printed.previous?.totals, direct.previous?.totals);
      assert.ok(printed.totals.spend > 0);
      assert.equal(printed.trend.length, 60);
      assert.equal(printed.platforms.length, 2);
      assert.equal(printed.previous!.since, '2026-03-02');
      assert.ok(
        printed.fx.notes.some((n) => n.currency === 'EUR' && !n.identity && n.fallbacks.length > 0),
      );
    } finally {
      await store.close();
    }
  });

  it('when aggregate runs without --json, then it prints a readable summary', () => {
    const run = cli('aggregate', [...base, '--since', '2026-06-01', '--until', '2026-06-07']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /ws_acme: 2026-06-01 to 2026-06-07 \(7 days, UTC\) in USD/);
    assert.match(run.stdout, /^Meta +\$[\d,]+\.\d\d/m);
    assert.match(run.stdout, /^Total +\$/m);
    assert.match(run.stdout, /Change vs previous period: spend (?:[+−]\d+\.\d|0\.0)%/);
    assert.match(run.stdout, /Top 6 campaigns by spend/);
    // The PDF's style: CTR with two decimals, ROAS with two and a ×, conversions whole.
    const total = run.stdout.split('\n').find((l) => l.startsWith('Total'))!;
    assert.match(total, / \d+\.\d\d% /);
    assert.match(total, / \d+\.\d\d× /);
    assert.doesNotMatch(total, / \d[\d,]*\.\d+ +\d+\.\d\d× /, 'conversions print whole');
  });

  it('when the store is held by another process, then aggregate says to stop it instead of a lock trace', async () => {
    const holder = await DuckDbInsightsStore.open(storePath);
    try {
      const run = cli('aggregate', [...base, '--since', '2026-06-01', '--until', '2026-06-07']);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /is in use by another process.*Stop "npm start" first/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      await holder.close();
    }
  });

  it('when the range is over 90 days, then aggregate exits 2 naming the field and why', () => {
    const run = cli('aggregate', [...base, '--since', '2026-01-01', '--until', '2026-06-30']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^until: The date range spans 181 days; the maximum is 90/);
  });

  it('when an ECB history is imported, then its rates replace the demo ones and reports say ECB', async () => {
    const csv = join(dir, 'eurofxref-hist.csv');
    writeFileSync(
      csv,
      'Date,USD,JPY,GBP,\n2026-06-30,1.0712,171.02,0.8455,\n2026-06-29,1.0701,170.80,N/A,\n',
    );
    const run = cli('import-ecb', ['--file', csv, '--store', storePath]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Imported 5 ECB rates for 3 currencies, 2026-06-29 to 2026-06-30/);
    const store = await DuckDbInsightsStore.open(storePath);
    try {
      assert.deepEqual(await store.fxCurrencies(), ['EUR', 'GBP', 'JPY', 'USD']);
      assert.match(await store.fxSource(), /^ECB/);
    } finally {
      await store.close();
    }
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Date,USD\n2026-13-01,1.07\n');
    const failed = cli('import-ecb', ['--file', bad, '--store', storePath]);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /Line 2: "2026-13-01" is not a YYYY-MM-DD date/);
  });
});
