/**
 * npm run bench:csv — CSV and XLSX exports by campaign through the running system on the benchmark store
 * (8 platforms × 250 campaigns × 180 days hourly): POST → COMPLETED, rows per second, file size,
 * and the peak RSS of report-builder and renderer during each export, at two row counts, to show
 * that memory does not follow the data. Figures go to docs/benchmarks.md. `--scale 2` or `--scale 4`
 * runs only the CSVs by date, platform and campaign on 2× or 4× the campaigns (its own store, the
 * one `bench:aggregate --scale` uses): memory should not follow the workspace's size either.
 */
import {
  machineSummary,
  median,
  recordBenchmark,
  SMOKE,
} from '../../services/report-builder/bench/record.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES, type ServiceName } from '../src/services.ts';
import { DEFAULT_DUCKDB_MEMORY_LIMIT } from '../../services/report-builder/src/config.ts';
import { topFunctions } from './cpu-profile.ts';
import { CopyFloor, STAGES, timeCsvStages } from './csv-stages.ts';
import {
  ensureBenchStore,
  EXPORT_TIMING,
  NINETY_DAYS,
  peakRssMb,
  processCpuMs,
  resetPeakRss,
  stageSeconds,
  startBenchSystem,
  timeExport,
} from './bench-system.ts';

const RUNS = SMOKE ? 1 : 3;
const WORKERS: ServiceName[] = ['report-builder', 'renderer'];
/** `--profile`: report-builder runs under node's CPU profiler; its busiest functions are printed. */
const profileDir = process.argv.includes('--profile')
  ? mkdtempSync(join(tmpdir(), 'wevion-bench-profile-'))
  : null;

const scaleAt = process.argv.indexOf('--scale');
const scale = scaleAt < 0 ? 1 : Number(process.argv[scaleAt + 1]);
if (![1, 2, 4].includes(scale)) throw new Error('--scale must be 1, 2 or 4');
const storePath = ensureBenchStore(scale);
const byCampaign = { dimensions: ['date', 'platform', 'campaign'], granularity: 'day' };
// Before the system opens the store (DuckDB has one writer): the 90-day CSV stage by stage.
const stages =
  scale === 1 ? await timeCsvStages(storePath, { ...NINETY_DAYS, ...byCampaign }, RUNS) : null;
// The floor the 90-day CSV is held against, timed again between its timed runs (on a copy).
const floor = stages ? await CopyFloor.open(storePath, { ...NINETY_DAYS, ...byCampaign }) : null;
const floors: number[] = [];
const system = await startBenchSystem(storePath, {
  nodeFlags: profileDir ? { 'report-builder': ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {},
}).catch(async (error: unknown) => {
  await floor?.close();
  throw error;
});
const ninetyDaysByCampaign = {
  name: '90 days by date, platform, campaign',
  since: '2026-08-03',
  layout: byCampaign,
};
const cases = [
  { name: '45 days by date, platform, campaign', since: '2026-09-17', layout: byCampaign },
  ninetyDaysByCampaign,
  {
    name: '90 days by account, campaign (total)',
    since: '2026-08-03',
    layout: { dimensions: ['account', 'campaign'], granularity: 'total' },
  },
];
const figures: Record<string, string> = {};

/**
 * What the services report and the processes have used so far: report-builder's and the
 * renderer's own time for the CSV (their stage metrics), and the CPU time of each service and of
 * this process, which runs the SQS and S3 emulators and the webhook receiver.
 */
async function sampleSystem() {
  const cpu = Object.fromEntries(
    SERVICES.map((name) => [name, processCpuMs(system.pid(name)!)]),
  ) as Record<ServiceName, number>;
  const own = process.cpuUsage();
  return {
    'report-builder': 1000 * (await stageSeconds(system, 'report-builder', 'aggregate')),
    renderer: 1000 * (await stageSeconds(system, 'renderer', 'render_csv')),
    cpu: { ...cpu, bench: (own.user + own.system) / 1000 },
  };
}
type SystemSample = Awaited<ReturnType<typeof sampleSystem>>;
const since = (a: SystemSample, b: SystemSample): SystemSample => ({
  'report-builder': b['report-builder'] - a['report-builder'],
  renderer: b.renderer - a.renderer,
  cpu: Object.fromEntries(
    Object.entries(b.cpu).map(([k, v]) => [k, v - a.cpu[k as keyof SystemSample['cpu']]]),
  ) as SystemSample['cpu'],
});
/** The 90-day CSV's timed runs, as `sampleSystem` saw them. */
const inSystem: SystemSample[] = [];
/** Times one format of a case: median POST → COMPLETED, rows per second, size, peak RSS. */
async function timeFormat(c: (typeof cases)[number], format: 'CSV' | 'XLSX') {
  const body = { ...NINETY_DAYS, since: c.since, format, ...c.layout };
  await timeExport(system, body); // warm-up: first read of the file's columns, JIT
  const runs = [];
  const peaks: Record<string, number> = {};
  // Only the 90-day CSV is taken apart; after its warm-up both stages have been reported.
  const observed = c === ninetyDaysByCampaign && format === 'CSV';
  for (let i = 0; i < RUNS; i++) {
    for (const name of WORKERS) resetPeakRss(system.pid(name)!);
    if (observed && floor) floors.push(await floor.time());
    const before = observed ? await sampleSystem() : null;
    runs.push(await timeExport(system, body));
    if (before) inSystem.push(since(before, await sampleSystem()));
    for (const name of WORKERS)
      peaks[name] = Math.max(peaks[name] ?? 0, peakRssMb(system.pid(name)!));
  }
  const ms = median(runs.map((r) => r.ms));
  const { rows, bytes } = runs[0]!;
  console.log(
    `${c.name} ${format}: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; ${rows} rows; peak RSS ${WORKERS.map((w) => `${w} ${peaks[w]} MB`).join(', ')}`,
  );
  const text = [
    `median ${ms.toFixed(0)} ms${format === 'CSV' ? ' (target ≤ 8,000 ms)' : ''}`,
    `${rows.toLocaleString('en')} rows`,
    `${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s`,
    `${(bytes / 2 ** 20).toFixed(1)} MiB`,
    `peak RSS report-builder ${peaks['report-builder']} MB, renderer ${peaks.renderer} MB (target ≤ 250 MB)`,
  ].join('; ');
  return { text, ms };
}
try {
  // Every CSV first, then the same rows as Excel workbooks: a process's memory only grows, so
  // the CSV's figures are not read after a workbook's.
  let endToEnd = 0;
  for (const c of scale === 1 ? cases : cases.slice(0, 2)) {
    const { text, ms } = await timeFormat(c, 'CSV');
    figures[c.name] = text;
    if (c === ninetyDaysByCampaign) endToEnd = ms;
  }
  if (stages) {
    for (const c of cases) figures[`${c.name}, XLSX`] = (await timeFormat(c, 'XLSX')).text;
    recordStages(stages, endToEnd);
  }
} finally {
  await system.stop();
  await floor?.close();
}

/** The 90-day CSV taken apart: each stage in this process, and what the system adds to them. */
function recordStages(stages: Awaited<ReturnType<typeof timeCsvStages>>, endToEnd: number) {
  if (floors.length === 0) throw new Error('no COPY was timed between the timed exports');
  const between = median(floors);
  figures['90-day CSV against DuckDB writing the same grouped rows (`COPY … TO`)'] =
    `${(endToEnd / between).toFixed(1)}× (${endToEnd.toFixed(0)} ms against ${between.toFixed(0)} ms, the \`COPY\` timed between the timed exports; target ≤ 2.5×)`;
  figures[`stage: ${STAGES[0]}, before the system started`] =
    `${stages.ms[STAGES[0]].toFixed(0)} ms`;
  let staged = 0;
  for (const stage of STAGES.slice(1)) {
    figures[`stage: ${stage}`] = `${stages.ms[stage].toFixed(0)} ms`;
    staged += stages.ms[stage];
  }
  figures['stages in this process, summed'] = `${staged.toFixed(0)} ms`;
  // The same export in the running system, each service timed by its own stage metric.
  const ms = (pick: (s: SystemSample) => number) => median(inSystem.map(pick));
  const [builder, renderer] = [ms((s) => s['report-builder']), ms((s) => s.renderer)];
  figures['in the system: report-builder (its `aggregate` stage)'] = `${builder.toFixed(0)} ms`;
  figures['in the system: renderer (its `render_csv` stage)'] = `${renderer.toFixed(0)} ms`;
  figures['in the system: SQS hops, S3 transfers, job events (end to end minus both)'] =
    `${(endToEnd - builder - renderer).toFixed(0)} ms`;
  const cpu = (name: keyof SystemSample['cpu']) => (ms((s) => s.cpu[name]) / 1000).toFixed(2);
  const total = ms((s) => Object.values(s.cpu).reduce((a, b) => a + b, 0)) / 1000;
  figures['CPU per 90-day CSV (medians)'] =
    `report-builder ${cpu('report-builder')} s, renderer ${cpu('renderer')} s, export-api ${cpu('export-api')} s, ` +
    `this process (emulators, webhook receiver) ${cpu('bench')} s: ${total.toFixed(2)} s in ${(endToEnd / 1000).toFixed(2)} s on ${availableParallelism()} cores`;
}
if (profileDir) {
  console.log('report-builder CPU profile over the whole run (self time, idle left out):');
  for (const { name, ms, share } of topFunctions(profileDir))
    console.log(
      `${ms.toFixed(0).padStart(7)} ms ${(100 * share).toFixed(1).padStart(5)}%  ${name}`,
    );
  rmSync(profileDir, { recursive: true, force: true });
}
console.table(figures);
const DESCRIPTION = `The whole local system on the 8.64 M-row benchmark store, all 8 platforms, EUR from EUR/GBP/USD accounts, Europe/Berlin. Timed ${EXPORT_TIMING}, after one warm-up export; median of 3. Peak RSS is each service process’s VmHWM during the timed exports (reset before each). Rows stream from DuckDB through report-builder into a gzip NDJSON claim check and through the renderer into the CSV (or XLSX) upload, so memory should stay flat as rows grow. The XLSX reads the claim check twice (column widths and totals first) and streams the workbook into the multipart upload. The stages of the 90-day CSV are timed in the bench process on the same store before the system starts (median of 3 after a warm-up; each stage alone, the renderer’s from the claim check report-builder wrote in memory). In the running system, report-builder’s and the renderer’s own stage metrics time their part of each timed 90-day CSV, the rest is the queues, S3 and the job’s events, and each process’s CPU time is read from /proc (this process runs the SQS and S3 emulators and receives the webhooks). The ratio to \`COPY\` divides by DuckDB’s \`COPY\` timed again before each timed 90-day CSV (median of 3, on a copy of the store file, which the running system holds), so drift in the machine’s speed between the stages and the system’s runs does not enter it. The stages run with report-builder’s default DuckDB limit (${DEFAULT_DUCKDB_MEMORY_LIMIT}); the \`COPY\` floor gets 128 MB, as one grouping of the whole range needs more than that.`;
const rowsInStore = `${(8.64 * scale).toFixed(2)} M`;
recordBenchmark(scale === 1 ? 'csv' : `csv-x${scale}`, {
  title:
    scale === 1
      ? 'CSV and XLSX by campaign: streamed end to end (`npm run bench:csv`)'
      : `CSV by campaign on ${scale}× the campaigns, ${rowsInStore} rows (\`npm run bench:csv -- --scale ${scale}\`)`,
  description:
    scale === 1
      ? DESCRIPTION
      : `The 45- and 90-day CSVs by date, platform and campaign of \`npm run bench:csv\`, on a store with ${250 * scale} campaigns per platform (${rowsInStore} hourly rows), measured the same way: report-builder's peak should not follow the workspace's size.`,
  figures,
  machine: machineSummary(),
});
