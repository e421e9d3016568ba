/**
 * npm run bench:aggregate — the 90-day, 8-platform report with its previous period over a store of
 * 8 platforms × 250 campaigns × 180 days of hourly rows (8.64 million). Prints the figures and
 * writes them into docs/benchmarks.md. The store is built once by the seed command, in its own
 * process so building does not count towards the measured peak RSS.
 *
 * `--scale 2` and `--scale 4` run the same report over 2× and 4× the campaigns (17 and 35 million
 * rows, stores of their own): one size per process, so each peak RSS is that size's alone.
 */
import { addDays, parseReportQuery, PLATFORMS } from '@wevion/shared';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import { aggregateReport } from '../src/aggregate-report.ts';
import { DEFAULT_DUCKDB_MEMORY_LIMIT } from '../src/config.ts';
import { localDays } from '../src/domain/local-days.ts';
import { machineSummary, median, recordBenchmark, SMOKE } from './record.ts';

const { values: flags } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, smoke: { type: 'boolean' } },
});
const scale = Number(flags.scale);
if (![1, 2, 4].includes(scale)) {
  console.error(`--scale must be 1, 2 or 4, not "${flags.scale}"`);
  process.exit(2);
}
const RUNS = SMOKE ? 1 : 5;
const storePath = SMOKE
  ? join(mkdtempSync(join(tmpdir(), 'wevion-bench-smoke-')), 'insights.duckdb')
  : (process.env.BENCH_DUCKDB_PATH ??
    new URL(
      `../../../data/bench-insights${scale === 1 ? '' : `-x${scale}`}.duckdb`,
      import.meta.url,
    ).pathname);
const size = {
  seed: 2026,
  workspaces: 1,
  platforms: 8,
  campaigns: SMOKE ? 2 : 250 * scale,
  days: 180,
  end: '2026-10-31',
};
const rowsInStore = (size.platforms * size.campaigns * size.days * 24).toLocaleString('en');

async function storeIsBuilt(): Promise<boolean> {
  if (!existsSync(storePath)) return false;
  const store = await DuckDbInsightsStore.open(storePath);
  try {
    const stored = await store.withConnection(
      async (c) =>
        (
          await c.runAndReadAll(`SELECT value FROM store_metadata WHERE key = 'demo_size'`)
        ).getRows()[0]?.[0],
    );
    const parsed = typeof stored === 'string' ? JSON.parse(stored) : {};
    return (
      parsed.seed === size.seed &&
      parsed.campaignsPerPlatform === size.campaigns &&
      parsed.dense === true
    );
  } finally {
    await store.close();
  }
}

if (!(await storeIsBuilt())) {
  console.log(
    `Building ${storePath} (8 platforms × ${size.campaigns} campaigns × 180 days, hourly)…`,
  );
  const seedFlags = Object.entries(size).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const seed = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/seed.ts', '--out', storePath, '--dense', ...seedFlags],
    {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: 'inherit',
    },
  );
  if (seed.status !== 0) process.exit(seed.status ?? 1);
}

// The service's defaults (INSIGHTS_DUCKDB_MEMORY_LIMIT, INSIGHTS_DUCKDB_THREADS).
const memoryLimit = process.env.BENCH_MEMORY_LIMIT ?? DEFAULT_DUCKDB_MEMORY_LIMIT;
const store = await DuckDbInsightsStore.open(storePath, { memoryLimit, threads: 2 });
const query = parseReportQuery(
  {
    workspace_id: 'ws_acme',
    since: addDays(size.end, -89),
    until: size.end,
    platforms: PLATFORMS.slice(0, 8),
    target_currency: 'EUR',
    timezone: 'Europe/Berlin',
    compare_previous: true,
  },
  { currencies: await store.fxCurrencies() },
);

/**
 * The floor: the least any engine must do with these rows, a plain sum of spend per UTC day and
 * platform over both periods (no time zone, no currencies, no campaigns), on the same file.
 */
async function rawScan(): Promise<number> {
  const days = localDays(addDays(query.since, -90), query.until, query.timezone);
  const started = performance.now();
  await store.withConnection((c) =>
    c.runAndReadAll(
      `SELECT ts::DATE, platform, SUM(spend) FROM insights_hourly
       WHERE workspace_id = 'ws_acme' AND ts >= $from::TIMESTAMP AND ts < $to::TIMESTAMP
       GROUP BY ALL`,
      { from: days[0]!.startsAt.toISOString(), to: days[days.length - 1]!.endsAt.toISOString() },
    ),
  );
  return performance.now() - started;
}

const timings: number[] = [];
const floors: number[] = [];
let rowsScanned = 0;
for (let run = 1; run <= RUNS; run++) {
  const started = performance.now();
  const dataset = await aggregateReport(store, query);
  const ms = performance.now() - started;
  timings.push(ms);
  floors.push(await rawScan()); // interleaved, so both sides meet the same machine state
  rowsScanned = dataset.rows_scanned;
  console.log(
    `run ${run}: ${ms.toFixed(0)} ms (raw scan ${floors[floors.length - 1]!.toFixed(0)} ms), ${dataset.rows_scanned.toLocaleString('en')} rows, total spend €${dataset.totals.spend.toLocaleString('en')}`,
  );
}
await store.close();

const medianMs = median(timings);
const floorMs = median(floors);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const figures = {
  'rows scanned': rowsScanned.toLocaleString('en'),
  'median (5 runs)': `${medianMs.toFixed(0)} ms (target ≤ 1,500 ms)`,
  'first run (cold file)': `${timings[0]!.toFixed(0)} ms`,
  'raw scan of the same rows (median)': `${floorMs.toFixed(0)} ms: the report takes ${(medianMs / floorMs).toFixed(1)}× the floor`,
  'rows per second': Math.round(rowsScanned / (medianMs / 1000)).toLocaleString('en'),
  'peak RSS': `${peakRssMb.toFixed(0)} MB (target ≤ 400 MB at every size)`,
  'DuckDB memory_limit, threads': `${memoryLimit}, 2`,
};
console.table(figures);
recordBenchmark(scale === 1 ? 'aggregate' : `aggregate-x${scale}`, {
  title: `Aggregation: 90 days × 8 platforms with the previous period, ${rowsInStore} rows (\`npm run bench:aggregate${scale === 1 ? '' : ` -- --scale ${scale}`}\`)`,
  description: `Store: 8 platforms × ${size.campaigns} campaigns × 180 days of hourly rows in embedded DuckDB (one file, built once by \`npm run seed\`). Query: EUR from EUR/GBP/USD accounts, Europe/Berlin, previous period on, top 10 campaigns. Timed from the call to the finished \`ReportDataset\` (both periods read, converted exactly and shaped). The raw scan, run between the report runs, is a plain \`SUM(spend) GROUP BY UTC day, platform\` over the same rows of both periods.`,
  figures,
  machine: machineSummary(),
});
