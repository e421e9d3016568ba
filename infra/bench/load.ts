/**
 * npm run bench:load — 20 PDF and 50 CSV exports (90 days × 8 platforms) posted at once to the
 * running system on the benchmark store: jobs per minute, the slowest job, and each service's
 * peak RSS over the whole burst. Figures go to docs/benchmarks.md.
 *
 * `--sweep` runs the same burst once per worker concurrency setting (a fresh system each), to
 * choose the defaults by measurement.
 */
import {
  machineSummary,
  recordBenchmark,
  SMOKE,
} from '../../services/report-builder/bench/record.ts';
import { SERVICES } from '../src/services.ts';
import {
  ensureBenchStore,
  EXPORT_TIMING,
  NINETY_DAYS,
  peakRssMb,
  resetPeakRss,
  startBenchSystem,
  timeExport,
} from './bench-system.ts';

const PDFS = SMOKE ? 2 : 20;
const CSVS = SMOKE ? 3 : 50;

/** Messages each worker takes at once, and pages the renderer prints at once. */
interface Concurrency {
  reportBuilder: number;
  renderer: number;
  pdf: number;
}
const DEFAULTS: Concurrency = { reportBuilder: 2, renderer: 2, pdf: 2 };
const SWEEP: Concurrency[] = SMOKE
  ? [DEFAULTS, { reportBuilder: 1, renderer: 1, pdf: 1 }]
  : [
      DEFAULTS,
      { reportBuilder: 1, renderer: 2, pdf: 2 },
      { reportBuilder: 3, renderer: 2, pdf: 2 },
      { reportBuilder: 2, renderer: 4, pdf: 2 },
      { reportBuilder: 2, renderer: 4, pdf: 4 },
      { reportBuilder: 4, renderer: 4, pdf: 4 },
    ];
const label = (c: Concurrency) =>
  `report-builder ${c.reportBuilder}, renderer ${c.renderer} (PDF ${c.pdf})`;

/** One burst on a fresh system: jobs per minute, the slowest job, peak RSS per service. */
async function burst(storePath: string, concurrency: Concurrency) {
  const system = await startBenchSystem(storePath, {
    serviceEnv: {
      'report-builder': { CONCURRENCY: String(concurrency.reportBuilder) },
      renderer: {
        CONCURRENCY: String(concurrency.renderer),
        PDF_CONCURRENCY: String(concurrency.pdf),
      },
    },
  });
  try {
    const body = NINETY_DAYS;
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
    const slowest = Math.max(...runs.map((r) => r.ms));
    const perMinute = Math.round(((PDFS + CSVS) / seconds) * 60);
    const peaks = SERVICES.map((name) => `${name} ${peakRssMb(system.pid(name)!)} MB`).join(', ');
    console.log(
      `${label(concurrency)}: ${PDFS + CSVS} exports (${PDFS} PDF, ${CSVS} CSV) at once: ${seconds.toFixed(1)} s, ${perMinute}/min, slowest ${Math.round(slowest)} ms; ${peaks}`,
    );
    return { seconds, slowest, perMinute, peaks };
  } finally {
    await system.stop();
  }
}

const storePath = ensureBenchStore();
const figures: Record<string, string> = {};
if (process.argv.includes('--sweep')) {
  for (const concurrency of SWEEP) {
    const { perMinute, slowest, peaks } = await burst(storePath, concurrency);
    figures[label(concurrency)] =
      `${perMinute} jobs per minute; slowest job ${(slowest / 1000).toFixed(1)} s; peak RSS ${peaks}`;
  }
  console.table(figures);
  recordBenchmark('load-sweep', {
    title: 'Load by worker concurrency (`npm run bench:load -- --sweep`)',
    description: `The burst of \`bench:load\` (${PDFS} PDF + ${CSVS} CSV at once, after a warm-up PDF and CSV) on a fresh local system per setting: CONCURRENCY of report-builder and of the renderer (messages each takes at once) and the renderer's PDF_CONCURRENCY (pages printed at once). One task of each worker on this 2-core machine.`,
    figures,
    machine: machineSummary(),
  });
} else {
  const { seconds, slowest, perMinute, peaks } = await burst(storePath, DEFAULTS);
  figures[`${PDFS} PDF + ${CSVS} CSV at once`] =
    `all done in ${seconds.toFixed(1)} s: ${perMinute} jobs per minute (target ≥ 200); slowest job ${(slowest / 1000).toFixed(1)} s`;
  figures['peak RSS over the burst'] = peaks;
  console.table(figures);
  recordBenchmark('load', {
    title: 'Load: a burst of PDF and CSV exports (`npm run bench:load`)',
    description: `The whole local system on the 8.64 M-row benchmark store with its default concurrency (report-builder and renderer each take 2 messages at a time; the renderer prints 2 pages at once). All exports are posted at once after one warm-up PDF and CSV; each is timed ${EXPORT_TIMING}. Peak RSS is each service process’s VmHWM over the burst (Chromium’s own processes not included).`,
    figures,
    machine: machineSummary(),
  });
}
