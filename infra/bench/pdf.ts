/**
 * npm run bench:pdf — the 90-day, 8-platform branded PDF on the benchmark store: cold start
 * (a fresh process to its first PDF), warm render (median of 10), both against plain puppeteer
 * printing the same HTML, and end to end through the running system (median of 5). Figures go
 * to docs/benchmarks.md.
 */
import chromium from '@sparticuz/chromium';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLogger, parseReportQuery } from '@wevion/shared';
import puppeteer from 'puppeteer-core';
import { DuckDbInsightsStore } from '../../services/report-builder/src/adapters/duckdb-insights-store.ts';
import { aggregateReport } from '../../services/report-builder/src/aggregate-report.ts';
import {
  machineSummary,
  median,
  recordBenchmark,
  SMOKE,
} from '../../services/report-builder/bench/record.ts';
import { nodeBundle } from '../src/build-services.ts';
import { ChromiumPdfPrinter } from '../../services/renderer/src/adapters/chromium-pdf-printer.ts';
import { HandlebarsReportTemplate } from '../../services/renderer/src/adapters/handlebars-report-template.ts';
import { buildReportView } from '../../services/renderer/src/domain/report-view.ts';
import {
  ensureBenchStore,
  EXPORT_TIMING,
  NINETY_DAYS,
  root,
  startBenchSystem,
  timeExport,
} from './bench-system.ts';

const storePath = ensureBenchStore();

const body = NINETY_DAYS;
const store = await DuckDbInsightsStore.open(storePath);
const dataset = await aggregateReport(
  store,
  parseReportQuery(
    { ...body, workspace_id: 'ws_acme' },
    { currencies: await store.fxCurrencies() },
  ),
);
await store.close();
const workspace = {
  name: 'Acme Outdoor GmbH',
  branding: { logo_key: null, primary_color: '#0B5FFF', secondary_color: '#14B8A6' },
};
const template = new HandlebarsReportTemplate();
const request = () => {
  const view = buildReportView(dataset, workspace, { logoDataUrl: null, generatedAt: new Date() });
  return template.render(view);
};

/**
 * The peer: what a plain puppeteer service does with the same HTML, @sparticuz/chromium's
 * default flags, a new page per render, `setContent` and `pdf`, nothing else.
 */
async function plainPuppeteer() {
  const browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    headless: true,
    args: chromium.args,
  });
  return {
    async print(html: string) {
      const page = await browser.newPage();
      try {
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}

/**
 * Cold start as a deployment meets it: a new process, from spawn to its first PDF. Each side is
 * bundled the same way (cold-start/ours.ts, cold-start/plain.ts) and run with plain Node, in
 * turns, on the same HTML.
 */
async function coldStarts(runs: number): Promise<{ ours: number[]; plain: number[] }> {
  const outdir = join(root, 'infra/dist/bench-cold-start');
  await build({
    ...nodeBundle(root),
    entryPoints: {
      ours: 'infra/bench/cold-start/ours.ts',
      plain: 'infra/bench/cold-start/plain.ts',
    },
    outdir,
  });
  const scratch = mkdtempSync(join(tmpdir(), 'wevion-bench-cold-'));
  const htmlPath = join(scratch, 'report.html');
  writeFileSync(htmlPath, request().html);
  const firstPdf = (side: 'ours' | 'plain') =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, [join(outdir, `${side}.js`), htmlPath], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let printedAt = 0;
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('printed ')) printedAt = performance.now();
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 && printedAt
          ? resolve(printedAt - started)
          : reject(new Error(`${side} cold start exited with code ${code}`)),
      );
    });
  const times = { ours: [] as number[], plain: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      times.ours.push(await firstPdf('ours'));
      times.plain.push(await firstPdf('plain'));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return times;
}

const RUNS = SMOKE ? 1 : 10;
const cold = await coldStarts(SMOKE ? 1 : 5);
const coldRatio = median(cold.ours) / median(cold.plain);
console.log(
  `cold start: ours ${cold.ours.map((t) => t.toFixed(0)).join(', ')} ms; plain ${cold.plain.map((t) => t.toFixed(0)).join(', ')} ms; ours/plain ${coldRatio.toFixed(2)}`,
);
const printer = new ChromiumPdfPrinter({
  concurrency: 1,
  relaunchAfter: 1000,
  timeoutMs: 60_000,
  logger: createLogger('bench', 'warn'),
});
const first = await printer.print(request());
const plain = await plainPuppeteer();
await plain.print(request().html);
// Interleaved, so both sides meet the same machine state.
const warm: number[] = [];
const plainWarm: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const next = request();
  let started = performance.now();
  await printer.print(next);
  warm.push(performance.now() - started);
  started = performance.now();
  await plain.print(next.html);
  plainWarm.push(performance.now() - started);
}
await printer.close();
await plain.close();
const ratio = median(warm) / median(plainWarm);
console.log(`warm ${warm.map((t) => t.toFixed(0)).join(', ')} ms`);
console.log(
  `plain puppeteer: warm ${plainWarm.map((t) => t.toFixed(0)).join(', ')} ms; ours/plain ${ratio.toFixed(2)}`,
);

const system = await startBenchSystem(storePath);
const endToEnd: number[] = [];
try {
  for (let i = 0; i < (SMOKE ? 2 : 6); i++) {
    const { ms } = await timeExport(system, { ...body, format: 'PDF' });
    if (i > 0) endToEnd.push(ms); // the first one warms the pipeline
  }
} finally {
  await system.stop();
}
console.log(`end to end ${endToEnd.map((t) => t.toFixed(0)).join(', ')} ms`);

const figures = {
  'cold start, a fresh process to its first PDF, median of 5': `${median(cold.ours).toFixed(0)} ms (target ≤ 2,000 ms)`,
  'warm render, median of 10': `${median(warm).toFixed(0)} ms (target ≤ 400 ms)`,
  'plain puppeteer, same HTML (@sparticuz/chromium defaults)': `cold ${median(cold.plain).toFixed(0)} ms, warm ${median(plainWarm).toFixed(0)} ms (medians)`,
  'ours ÷ plain, cold start': `${coldRatio.toFixed(2)} (target ≤ 1.0)`,
  'ours ÷ plain, warm': `${ratio.toFixed(2)} (target ≤ 0.8)`,
  'end to end, 90 days × 8 platforms PDF, median of 5': `${median(endToEnd).toFixed(0)} ms (target ≤ 5,000 ms)`,
  'PDF size': `${(first.length / 1024).toFixed(0)} KB`,
};
console.table(figures);
recordBenchmark('pdf', {
  title: 'PDF: 90 days × 8 platforms, branded (`npm run bench:pdf`)',
  description: `The report of the benchmark store (8.64 M hourly rows) as A4 PDF in @sparticuz/chromium 147 through puppeteer-core. Render = HTML (handlebars, embedded font subsets) to PDF bytes. Cold start = a new Node process (each side bundled the same way, run in turns) from spawn to its first PDF: loading the printer, launching Chromium (its binary already unpacked in /tmp), printing. End to end = through the three services, timed ${EXPORT_TIMING}. The plain side prints the same HTML (its running header and footer included: they are page-margin CSS) with a new page per render, \`setContent\` and \`pdf\` on @sparticuz/chromium’s default flags (JavaScript and network on), warm runs interleaved with ours. Ours reuses a page that runs offline and without JavaScript, and sets each report as its document through DevTools (\`Page.setDocumentContent\`) rather than from a script in the page.`,
  figures,
  machine: machineSummary(),
});
