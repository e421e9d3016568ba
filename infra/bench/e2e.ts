/**
 * npm run bench:e2e — POST → COMPLETED through the running system (three services, emulators),
 * median of 5, for 7 days × 1 platform and 90 days × 8 platforms CSV on the benchmark store
 * (8 platforms × 250 campaigns × 180 days hourly, 8.64 M rows). Figures go to docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  machineSummary,
  median,
  recordBenchmark,
} from '../../services/report-builder/bench/record.ts';
import { startLocalSystem } from '../src/local-system.ts';

const root = new URL('../../', import.meta.url).pathname;
const storePath = process.env.BENCH_DUCKDB_PATH ?? join(root, 'data/bench-insights.duckdb');
const RUNS = 5;

const seed = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    'services/report-builder/src/cli/seed.ts',
    '--out',
    storePath,
    '--if-missing',
    '--dense',
    '--seed',
    '2026',
    '--workspaces',
    '1',
    '--platforms',
    '8',
    '--campaigns',
    '250',
    '--days',
    '180',
    '--end',
    '2026-10-31',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (seed.status !== 0) process.exit(seed.status ?? 1);

const dataDir = mkdtempSync(join(tmpdir(), 'wevion-bench-'));
const system = await startLocalSystem({
  root,
  dataDir,
  ports: { api: 0, sqs: 0, s3: 0, reportBuilderOps: 0, rendererOps: 0 },
  jwtSecret: 'bench-secret-bench-secret-bench-secret!',
  insightsPath: storePath,
  env: { LOG_LEVEL: 'warn' },
  onLog: (service, line) => service !== 'system' && console.error(`[${service}] ${line}`),
});

async function timeExport(
  body: Record<string, unknown>,
): Promise<{ ms: number; rows: number; bytes: number }> {
  const headers = {
    authorization: `Bearer ${system.tokens.ws_acme}`,
    'content-type': 'application/json',
  };
  const started = performance.now();
  const accepted = await fetch(`${system.apiUrl}/api/v1/analytics/export`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const { job_id: jobId } = (await accepted.json()) as { job_id: string };
  for (;;) {
    const job = (await (
      await fetch(`${system.apiUrl}/api/v1/analytics/export/${jobId}`, { headers })
    ).json()) as {
      status: string;
      file: { rows: number; bytes: number } | null;
      error: { message: string } | null;
    };
    if (job.status === 'COMPLETED')
      return { ms: performance.now() - started, rows: job.file!.rows, bytes: job.file!.bytes };
    if (job.status === 'FAILED') throw new Error(`export failed: ${job.error?.message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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
      platforms: [
        'meta',
        'google',
        'tiktok',
        'linkedin',
        'snapchat',
        'pinterest',
        'x',
        'microsoft',
      ],
    },
  },
];
const figures: Record<string, string> = {};
try {
  for (const c of cases) {
    const body = { ...c.body, format: 'CSV', target_currency: 'EUR', timezone: 'Europe/Berlin' };
    await timeExport(body); // warm-up: first DuckDB read of the file, JIT
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await timeExport(body));
    const ms = median(runs.map((r) => r.ms));
    console.log(
      `${c.name}: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; median ${ms.toFixed(0)} ms`,
    );
    figures[c.name] =
      `median ${ms.toFixed(0)} ms (target ≤ ${c.target.toLocaleString('en')} ms); ${runs[0]!.rows} rows, ${runs[0]!.bytes.toLocaleString('en')} bytes`;
  }
} finally {
  await system.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.table(figures);
recordBenchmark('e2e', {
  title: 'End to end: POST → COMPLETED (`npm run bench:e2e`)',
  description:
    'The whole local system (export-api, report-builder, renderer as separate processes; fauxqs and s3rver) on the 8.64 M-row benchmark store. Timed from the POST to the first poll that sees COMPLETED (polling every 20 ms), after one warm-up export; previous-period comparison on, EUR, Europe/Berlin.',
  figures,
  machine: machineSummary(),
});
