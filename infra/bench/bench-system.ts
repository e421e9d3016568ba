import { PLATFORMS } from '@wevion/shared';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A job's end, as its `export.completed` or `export.failed` webhook told it. */
interface JobEnded {
  /** When the delivery arrived, on `performance.now()`'s clock. */
  at: number;
  status: 'COMPLETED' | 'FAILED';
  file: { rows: number; bytes: number } | null;
  error: { message: string } | null;
}

/**
 * A webhook receiver on loopback, registered for the workspace the benchmarks export from: how
 * an integrator learns that a job ended without polling for it. Polling every 20 ms, as the
 * benchmarks did before, put 100 requests per 90-day CSV on export-api and on this process,
 * which runs the emulators: on 2 cores, 6.5 % of that export's time.
 */
class JobEndReceiver {
  private readonly ended = new Map<string, JobEnded>();
  private readonly waiting = new Map<string, (ended: JobEnded) => void>();
  private readonly server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      res.writeHead(204).end();
      const { type, data } = JSON.parse(Buffer.concat(body).toString('utf8')) as {
        type: string;
        data: Omit<JobEnded, 'at'> & { job_id: string };
      };
      // The workspace's other events (a schedule's) are not a job's end.
      if (type !== 'export.completed' && type !== 'export.failed') return;
      const ended = { at, status: data.status, file: data.file, error: data.error };
      const waiter = this.waiting.get(data.job_id);
      if (waiter) waiter(ended);
      else this.ended.set(data.job_id, ended);
    });
  });

  /** Listens on loopback and registers itself as the workspace ws_acme's webhook. */
  async start(system: LocalSystem): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    const registered = await fetch(`${system.apiUrl}/api/v1/workspaces/current/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${system.tokens.ws_acme}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/wevion` }),
    });
    if (registered.status !== 201)
      throw new Error(`registering the webhook: ${registered.status} ${await registered.text()}`);
  }

  /** The end of `jobId`, or an error once `timeoutMs` has passed without it. */
  jobEnded(jobId: string, timeoutMs: number): Promise<JobEnded> {
    const early = this.ended.get(jobId);
    if (early) return Promise.resolve(early);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(jobId);
        reject(new Error(`no webhook for job ${jobId} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(jobId, (ended) => {
        clearTimeout(timer);
        this.waiting.delete(jobId);
        resolve(ended);
      });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface BenchSystem extends LocalSystem {
  jobEnds: JobEndReceiver;
}

/**
 * The whole local system on random ports over the benchmark store, with a webhook receiver for
 * its jobs' ends; `stop()` also removes its files.
 */
export async function startBenchSystem(
  storePath: string,
  perService: Pick<LocalSystemOptions, 'nodeFlags' | 'serviceEnv'> = {},
): Promise<BenchSystem> {
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
  const jobEnds = new JobEndReceiver();
  const stop = async () => {
    await jobEnds.stop();
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  await jobEnds.start(system).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { ...system, jobEnds, stop };
}

/** How `timeExport` times an export, in the words each benchmark's description uses. */
export const EXPORT_TIMING =
  'from the POST to the job’s `export.completed` webhook reaching a receiver in the bench process (nothing polls)';

/** Longer than any export the benchmarks run, a workbook in a burst included. */
const EXPORT_TIMEOUT_MS = (SMOKE ? 1 : 10) * 60_000;

/**
 * POST an export and wait for its webhook: the latency a user sees, from the POST to export-api
 * telling the workspace's endpoint that the job is COMPLETED (it records the status first, so a
 * poll would see it no later). Nothing polls, so the measurement adds no load to what it measures.
 */
export async function timeExport(
  system: BenchSystem,
  body: Record<string, unknown>,
): Promise<{ ms: number; rows: number; bytes: number }> {
  const started = performance.now();
  const accepted = await fetch(`${system.apiUrl}/api/v1/analytics/export`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${system.tokens.ws_acme}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const answer = (await accepted.json()) as { job_id?: string };
  if (accepted.status !== 202 || !answer.job_id)
    throw new Error(`export refused: ${accepted.status} ${JSON.stringify(answer)}`);
  const ended = await system.jobEnds.jobEnded(answer.job_id, EXPORT_TIMEOUT_MS);
  if (ended.status === 'FAILED') throw new Error(`export failed: ${ended.error?.message}`);
  return { ms: ended.at - started, rows: ended.file!.rows, bytes: ended.file!.bytes };
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
