/**
 * npm run bench:load — 20 PDF and 50 CSV exports (90 days × 8 platforms) posted at once to the
 * running system on the benchmark store: jobs per minute, the slowest job, and each service's
 * peak RSS over the whole burst. Figures go to docs/benchmarks.md.
 */
import {
  machineSummary,
  recordBenchmark,
  SMOKE,
} from '../../services/report-builder/bench/record.ts';
import { SERVICES } from '../src/services.ts';
import {
  ensureBenchStore,
  NINETY_DAYS,
  peakRssMb,
  resetPeakRss,
  startBenchSystem,
  timeExport,
} from './bench-system.ts';

const PDFS = SMOKE ? 2 : 20;
const CSVS = SMOKE ? 3 : 50;

const system = await startBenchSystem(ensureBenchStore());
const body = NINETY_DAYS;
const figures: Record<string, string> = {};
try {
  // One of each first, so Chromium and the store's file are warm as they would be in service.
  await timeExport(system, { ...body, format: 'PDF' });
  await timeExport(system, { ...body, format: 'CSV' });
  for (const name of SERVICES) resetPeakRss(system.pid(name)!);

  const started = performance.now();
  const runs = await Promise.all([
    ...Array.from({ length: PDFS }, () => timeExport(system, { ...body, format: 'PDF' })),
    ...Array.from({ length: CSVS }, () => timeExport(system, { ...body, format: 'CSV' })),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const jobs = PDFS + CSVS;
  const slowest = Math.max(...runs.map((r) => r.ms));
  console.log(
    `${jobs} exports (${PDFS} PDF, ${CSVS} CSV) at once: ${seconds.toFixed(1)} s, slowest ${Math.round(slowest)} ms`,
  );
  figures[`${PDFS} PDF + ${CSVS} CSV at once`] =
    `all done in ${seconds.toFixed(1)} s: ${Math.round((jobs / seconds) * 60)} jobs per minute (target ≥ 120); slowest job ${(slowest / 1000).toFixed(1)} s`;
  figures['peak RSS over the burst'] = SERVICES.map(
    (name) => `${name} ${peakRssMb(system.pid(name)!)} MB`,
  ).join(', ');
} finally {
  await system.stop();
}
console.table(figures);
recordBenchmark('load', {
  title: 'Load: a burst of PDF and CSV exports (`npm run bench:load`)',
  description:
    'The whole local system on the 8.64 M-row benchmark store with its default concurrency (report-builder and renderer each take 2 messages at a time; the renderer prints 2 pages at once). All exports are posted at once after one warm-up PDF and CSV; each is polled every 20 ms until COMPLETED. Peak RSS is each service process’s VmHWM over the burst (Chromium’s own processes not included).',
  figures,
  machine: machineSummary(),
});
