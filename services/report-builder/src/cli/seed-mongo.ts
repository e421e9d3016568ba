/**
 * npm run seed:mongo -w @wevion/report-builder -- [seed flags]: the demo insights in MongoDB
 * (MONGODB_URI), for docker compose and staging. Generates the same deterministic store as
 * `npm run seed` in a temporary DuckDB file, then copies rows and FX rates into MongoDB. Skips
 * when MongoDB already holds insights.
 */
import { todayIn } from '@wevion/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoInsights } from '../adapters/duckdb-demo-seeder.ts';
import { copyInsights } from '../adapters/duckdb-insights-export.ts';
import { DuckDbInsightsStore } from '../adapters/duckdb-insights-store.ts';
import { MongoInsightsStore } from '../adapters/mongo-insights-store.ts';
import { cliArgs } from './args.ts';

const usage =
  'MONGODB_URI=… npm run seed:mongo -- [--seed 42] [--workspaces 4] [--platforms 10] [--campaigns 4] [--days 120]';
const args = cliArgs(
  {
    seed: { type: 'string', default: '42' },
    workspaces: { type: 'string', default: '4' },
    platforms: { type: 'string', default: '10' },
    campaigns: { type: 'string', default: '4' },
    days: { type: 'string', default: '120' },
  },
  usage,
);
const uri = process.env.MONGODB_URI;
if (!uri) {
  console.error(`MONGODB_URI is not set.\n\nUsage: ${usage}`);
  process.exit(2);
}

const mongo = await MongoInsightsStore.connect(uri);
try {
  if ((await mongo.fxCurrencies()).length > 1) {
    console.log('MongoDB already holds demo insights; keeping them.');
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'wevion-seed-'));
    const duck = await DuckDbInsightsStore.open(join(dir, 'insights.duckdb'));
    try {
      await seedDemoInsights(duck, {
        seed: Number(args.seed),
        workspaces: Number(args.workspaces),
        platforms: Number(args.platforms),
        campaignsPerPlatform: Number(args.campaigns),
        days: Number(args.days),
        endDate: todayIn('UTC'),
        dense: false,
        cutoff: new Date().toISOString(),
      });
      const started = performance.now();
      const { rows, rates } = await copyInsights(duck, mongo, {
        onProgress: (n) =>
          n % 200_000 < 20_000 && console.log(`  ${n.toLocaleString('en')} rows copied`),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `Seeded MongoDB: ${rows.toLocaleString('en')} hourly rows, ${rates} FX rates in ${seconds} s.`,
      );
    } finally {
      await duck.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await mongo.close();
}
