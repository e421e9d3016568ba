import {
  AppError,
  PLATFORM_LABELS,
  parseReportQuery,
  SPEC_METRICS,
  type Metrics,
  type ReportDataset,
} from '@wevion/shared';
import { count, formatters } from '@wevion/shared/report-format.ts';
import { DuckDbInsightsStore } from '../adapters/duckdb-insights-store.ts';
import { aggregateReport } from '../aggregate-report.ts';
import { cliArgs, defaultStorePath } from './args.ts';

const usage =
  'npm run aggregate -- --workspace W --since YYYY-MM-DD --until YYYY-MM-DD --platforms meta,google ' +
  '--currency EUR [--timezone Europe/Berlin] [--no-compare] [--top 10] ' +
  '[--json] [--store data/insights.duckdb]';
const args = cliArgs(
  {
    workspace: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    platforms: { type: 'string' },
    currency: { type: 'string' },
    timezone: { type: 'string' },
    'no-compare': { type: 'boolean', default: false },
    top: { type: 'string' },
    json: { type: 'boolean', default: false },
    store: { type: 'string' },
  },
  usage,
);

/** The columns of the summary table: the spec's metrics, in the PDF's number style. */
const COLUMNS = SPEC_METRICS;
const WIDTHS = [16, 14, 11, 7, 10, 10, 11, 7, 10];

function summary(dataset: ReportDataset): string {
  // The report style the PDF and the page print with, so the three never disagree.
  const f = formatters(dataset.currency.code);
  const line = (label: string, m: Metrics) =>
    [
      label.padEnd(24),
      ...COLUMNS.map((name, i) => f.metric(name, m[name]).padStart(WIDTHS[i]!)),
    ].join(' ');
  const head = COLUMNS.map((h, i) => h.padStart(WIDTHS[i]!)).join(' ');
  const { query, period } = dataset;
  const out = [
    `${query.workspace_id}: ${period.since} to ${period.until} (${period.days} days, ${period.timezone}) in ${dataset.currency.code}`,
    '',
    `${''.padEnd(24)} ${head}`,
    ...dataset.platforms.map((p) => line(PLATFORM_LABELS[p.platform], p)),
    line('Total', dataset.totals),
  ];
  if (dataset.previous) {
    const { previous } = dataset;
    out.push(line(`Previous ${previous.since}…`, previous.totals));
    const change = (name: keyof typeof previous.deltas) =>
      `${name} ${f.comparison(name, previous.deltas[name]).ratio}`;
    out.push(
      '',
      `Change vs previous period: ${(['spend', 'clicks', 'conversions', 'roas', 'cpa'] as const).map(change).join(', ')}`,
    );
  }
  out.push('', `Top ${dataset.top_campaigns.length} campaigns by spend:`);
  for (const c of dataset.top_campaigns) {
    const name = JSON.stringify(c.campaign_name).slice(1, -1);
    out.push(
      `  ${f.money(c.spend).padStart(14)}  ${PLATFORM_LABELS[c.platform].padEnd(13)} ${name}`,
    );
  }
  out.push('', `Currency (${dataset.fx.source}):`);
  for (const n of dataset.fx.notes) {
    out.push(
      n.identity
        ? `  ${n.currency}: no conversion`
        : `  1 ${n.currency} = ${n.rate_min.toFixed(4)}…${n.rate_max.toFixed(4)} ${dataset.currency.code} (avg ${n.rate_avg.toFixed(4)}) over ${n.days_converted} days, ${n.fallbacks.length} fallbacks to an earlier rate`,
    );
  }
  out.push('', dataset.timezone_note, `Rows scanned: ${count(dataset.rows_scanned)}`);
  for (const w of dataset.warnings) out.push(`Warning (${w.code}): ${w.message}`);
  return out.join('\n');
}

const storePath = args.store ?? defaultStorePath();
const store = await DuckDbInsightsStore.open(storePath).catch((error: Error) => {
  // DuckDB has one writer per file: the running report-builder holds the demo store.
  if (!/lock/i.test(error.message)) throw error;
  console.error(
    `${storePath} is in use by another process (the running system's report-builder, most likely). Stop "npm start" first, or pass --store with a copy.`,
  );
  process.exit(2);
});
try {
  const query = parseReportQuery(
    {
      workspace_id: args.workspace,
      since: args.since,
      until: args.until,
      platforms: args.platforms?.split(',').map((p) => p.trim()),
      target_currency: args.currency,
      ...(args.timezone ? { timezone: args.timezone } : {}),
      compare_previous: !args['no-compare'],
      ...(args.top ? { top_n: Number(args.top) } : {}),
    },
    { currencies: await store.fxCurrencies() },
  );
  const dataset = await aggregateReport(store, query);
  console.log(args.json ? JSON.stringify(dataset, null, 2) : summary(dataset));
} catch (error) {
  if (!(error instanceof AppError) || !error.expose) throw error;
  console.error(`${error.field ? `${error.field}: ` : ''}${error.message}\n\nUsage: ${usage}`);
  process.exitCode = 2;
} finally {
  await store.close();
}
