import { todayIn } from '@wevion/shared';
import { rmSync } from 'node:fs';
import { seedDemoInsights } from '../adapters/duckdb-demo-seeder.ts';
import { DuckDbInsightsStore } from '../adapters/duckdb-insights-store.ts';
import { cliArgs, defaultStorePath } from './args.ts';

const usage =
  'npm run seed -- [--out data/insights.duckdb] [--seed 42] [--workspaces 4] [--platforms 10] ' +
  '[--campaigns 8] [--days 400] [--end YYYY-MM-DD] [--dense] [--if-missing]';
const args = cliArgs(
  {
    out: { type: 'string' },
    seed: { type: 'string', default: '42' },
    workspaces: { type: 'string', default: '4' },
    platforms: { type: 'string', default: '10' },
    campaigns: { type: 'string', default: '8' },
    days: { type: 'string', default: '400' },
    end: { type: 'string' },
    dense: { type: 'boolean', default: false },
    'if-missing': { type: 'boolean', default: false },
  },
  usage,
);

const path = args.out ?? defaultStorePath();
const size = {
  seed: Number(args.seed),
  workspaces: Number(args.workspaces),
  platforms: Number(args.platforms),
  campaignsPerPlatform: Number(args.campaigns),
  days: Number(args.days),
  endDate: args.end ?? todayIn('UTC'),
  dense: args.dense,
  // Without --end the store ends at the current hour, like live data; with it, it is reproducible.
  ...(args.end ? {} : { cutoff: new Date().toISOString() }),
};
for (const [flag, value] of Object.entries(size)) {
  if (typeof value === 'number' && !(Number.isInteger(value) && value > 0 && value <= 100_000)) {
    console.error(`--${flag} must be a positive whole number\n\nUsage: ${usage}`);
    process.exit(2);
  }
}
if (size.platforms > 10) {
  console.error('--platforms can be at most 10 (the number of known platforms)');
  process.exit(2);
}

if (args['if-missing']) {
  const existing = await DuckDbInsightsStore.open(path);
  const rows = await existing.hourlyRowCount();
  await existing.close();
  if (rows > 0) {
    console.log(`Demo store ${path} already has ${rows.toLocaleString('en')} rows; keeping it.`);
    process.exit(0);
  }
}

const started = performance.now();
rmSync(path, { force: true });
rmSync(`${path}.wal`, { force: true });
const store = await DuckDbInsightsStore.open(path);
const report = await seedDemoInsights(store, size);
await store.close();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `Seeded ${path}: ${report.rows.toLocaleString('en')} hourly rows for ${report.campaigns} campaigns ` +
    `(${size.workspaces} workspaces × ${size.platforms} platforms), ${report.first_date} to ${report.end_date}, ` +
    `demo FX rates, in ${seconds} s.`,
);
