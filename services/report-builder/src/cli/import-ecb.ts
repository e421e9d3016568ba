import { AppError } from '@wevion/shared';
import { readFileSync } from 'node:fs';
import { DuckDbInsightsStore } from '../adapters/duckdb-insights-store.ts';
import { parseEcbCsv } from '../domain/ecb-csv.ts';
import { cliArgs, defaultStorePath } from './args.ts';

const usage = 'npm run import:ecb -- --file eurofxref-hist.csv [--store data/insights.duckdb]';
const args = cliArgs({ file: { type: 'string' }, store: { type: 'string' } }, usage);
if (!args.file) {
  console.error(`--file is required\n\nUsage: ${usage}`);
  process.exit(2);
}

let rates;
try {
  rates = parseEcbCsv(readFileSync(args.file, 'utf8'));
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(`${args.file}: ${error.message}`);
  process.exit(1);
}
const store = await DuckDbInsightsStore.open(args.store ?? defaultStorePath());
try {
  await store.replaceFxRates(rates, 'ECB euro foreign exchange reference rates');
} finally {
  await store.close();
}
const dates = rates.map((r) => r.date).sort();
const currencies = new Set(rates.map((r) => r.currency));
console.log(
  `Imported ${rates.length.toLocaleString('en')} ECB rates for ${currencies.size} currencies, ${dates[0]} to ${dates.at(-1)}.`,
);
