/**
 * npm run bench:e2e — POST → COMPLETED through the running system (three services, emulators),
 * median of 5, for 7 days × 1 platform and 90 days × 8 platforms CSV on the benchmark store
 * (8 platforms × 250 campaigns × 180 days hourly, 8.64 M rows). Figures go to docs/benchmarks.md.
 */
import {
  machineSummary,
  median,
  recordBenchmark,
  SMOKE,
} from '../../services/report-builder/bench/record.ts';
import { PLATFORMS } from '@wevion/shared';
import { ensureBenchStore, EXPORT_TIMING, startBenchSystem, timeExport } from './bench-system.ts';

const RUNS = SMOKE ? 1 : 5;
const system = await startBenchSystem(ensureBenchStore());

const cases = [
  {
    name: '7 days × 1 platform CSV',
    target: 1500,
    body: { since: '2026-10-25', until: '2026-10-31', platforms: ['meta'] },
  },
  {
    name: '90 days × 8 platforms CSV',
    target: 5000,
    body: {
      since: '2026-08-03',
      until: '2026-10-31',
      platforms: PLATFORMS.slice(0, 8),
    },
  },
];
const figures: Record<string, string> = {};
try {
  for (const c of cases) {
    const body = { ...c.body, format: 'CSV', target_currency: 'EUR', timezone: 'Europe/Berlin' };
    await timeExport(system, body); // warm-up: first DuckDB read of the file, JIT
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await timeExport(system, body));
    const ms = median(runs.map((r) => r.ms));
    console.log(
      `${c.name}: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; median ${ms.toFixed(0)} ms`,
    );
    figures[c.name] =
      `median ${ms.toFixed(0)} ms (target ≤ ${c.target.toLocaleString('en')} ms); ${runs[0]!.rows} rows, ${runs[0]!.bytes.toLocaleString('en')} bytes`;
  }
} finally {
  await system.stop();
}
console.table(figures);
recordBenchmark('e2e', {
  title: 'End to end: POST → COMPLETED (`npm run bench:e2e`)',
  description: `The whole local system (export-api, report-builder, renderer as separate processes; fauxqs and s3rver) on the 8.64 M-row benchmark store. Timed ${EXPORT_TIMING}, after one warm-up export; previous-period comparison on, EUR, Europe/Berlin.`,
  figures,
  machine: machineSummary(),
});
