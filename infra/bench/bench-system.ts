import { PLATFORMS } from '@wevion/shared';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMOKE } from '../../services/report-builder/bench/record.ts';
import {
  startLocalSystem,
  type LocalSystem,
  type LocalSystemOptions,
} from '../src/local-system.ts';
import type { ServiceName } from '../src/services.ts';

export const root = new URL('../../', import.meta.url).pathname;

/**
 * The benchmark store: 8 platforms × 250 campaigns × 180 days, hourly (8.64 M rows), built once;
 * `scale` times the campaigns in a file of its own (the one `bench:aggregate --scale` uses); tiny
 * with --smoke.
 */
export function ensureBenchStore(scale = 1): string {
  const storePath = SMOKE
    ? join(mkdtempSync(join(tmpdir(), 'wevion-bench-smoke-')), 'insights.duckdb')
    : (process.env.BENCH_DUCKDB_PATH ??
      join(root, `data/bench-insights${scale === 1 ? '' : `-x${scale}`}.duckdb`));
  const flags = {
    seed: 2026,
    workspaces: 1,
    platforms: 8,
    campaigns: SMOKE ? 2 : 250 * scale,
    days: 180,
    end: '2026-10-31',
  };
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
      ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]),
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (seed.status !== 0) process.exit(seed.status ?? 1);
  return storePath;
}

/** The whole system on random ports over the benchmark store; `stop()` also removes its files. */
export async function startBenchSystem(
  storePath: string,
  perService: Pick<LocalSystemOptions, 'nodeFlags' | 'serviceEnv'> = {},
): Promise<LocalSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wevion-bench-'));
  const system = await startLocalSystem({
    root,
    dataDir,
    jwtSecret: 'bench-secret-bench-secret-bench-secret!',
    insightsPath: storePath,
    // Kumo's seeded history would run through the pipeline mid-measurement.
    demoHistory: false,
    env: { LOG_LEVEL: 'warn' },
    ...perService,
    onLog: (service, line) => service !== 'system' && console.error(`[${service}] ${line}`),
  });
  return {
    ...system,
    async stop() {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * POST an export and poll until it completes: the user-visible latency, to within `pollMs`
 * (20 ms by default; a burst of many jobs polls less often, or the polling itself would be a
 * good part of the load on export-api and the machine).
 */
export async function timeExport(
  system: LocalSystem,
  body: Record<string, unknown>,
  pollMs = 20,
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
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The benchmark report: the store's last 90 days on all 8 platforms, EUR, Europe/Berlin. */
export const NINETY_DAYS = {
  since: '2026-08-03',
  until: '2026-10-31',
  platforms: PLATFORMS.slice(0, 8),
  target_currency: 'EUR',
  timezone: 'Europe/Berlin',
};

/** Linux counts a process's CPU time in ticks of 1/100 s (USER_HZ) on every common architecture. */
const TICKS_PER_SECOND = 100;

/** The CPU time (user and system, every thread) a process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/**
 * The seconds a service's `wevion_stage_duration_seconds` histogram holds for `stage` so far.
 * A stage the service has not reported is an error, not zero: a renamed stage would otherwise
 * move its time silently into what the benchmark counts as the queues' share.
 */
export async function stageSeconds(
  system: LocalSystem,
  service: ServiceName,
  stage: string,
): Promise<number> {
  const response = await fetch(`${system.opsUrls[service]}/metrics`, {
    headers: { authorization: `Bearer ${system.opsToken}` },
  });
  if (!response.ok) throw new Error(`${service} /metrics answered ${response.status}`);
  const sum = new RegExp(
    `^wevion_stage_duration_seconds_sum\\{[^}]*stage="${stage}"[^}]*\\} (\\S+)$`,
    'm',
  ).exec(await response.text());
  if (!sum) throw new Error(`${service} has reported no ${stage} stage`);
  return Number(sum[1]);
}

/** Linux keeps each process's peak RSS (VmHWM); writing 5 to clear_refs starts it afresh. */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

export function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}
