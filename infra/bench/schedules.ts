/**
 * npm run bench:schedules — 500 schedules over 50 workspaces (one of them with 100), all due at
 * the same instant, fired by three export-api processes on one store, against the running
 * system. Prints the fire delay (due time to job created) at p50 and p99, duplicate and lost
 * runs, the time until every job finished, and when the small workspaces' jobs finished against
 * the big workspace's median. Figures go to docs/benchmarks.md; --smoke runs 20 over 5 and 2
 * processes.
 */
import {
  machineSummary,
  median,
  recordBenchmark,
  SMOKE,
} from '../../services/report-builder/bench/record.ts';
import { openSqlite } from '../../services/export-api/src/adapters/sqlite-database.ts';
import { SqliteScheduleStore } from '../../services/export-api/src/adapters/sqlite-schedule-store.ts';
import { SqliteWorkspaceStore } from '../../services/export-api/src/adapters/sqlite-workspace-store.ts';
import type { Schedule } from '../../services/export-api/src/domain/schedule.ts';
import { DEMO_WORKSPACES } from '../../services/export-api/src/demo-workspaces.ts';
import { schedule } from '../../services/export-api/test/factories.ts';
import { startExportApiReplica } from '../src/local-system.ts';
import { ensureBenchStore, root, startBenchSystem } from './bench-system.ts';

const SCHEDULES = SMOKE ? 20 : 500;
const WORKSPACES = SMOKE ? 5 : 50;
const BIG = SMOKE ? 8 : 100;
const PROCESSES = SMOKE ? 2 : 3;
/** How long every run may take to fire, and every job to finish, before the bench gives up. */
const FIRE_LIMIT_MS = 180_000;
const FINISH_LIMIT_MS = 600_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const waitFor = async <T>(
  probe: () => T | undefined,
  limitMs: number,
  what: string,
): Promise<T> => {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not within ${limitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

// The default tick (15 s), as in production: the fire delay includes waiting for it.
const system = await startBenchSystem(ensureBenchStore());
const replicas = [];
const figures: Record<string, string> = {};
try {
  for (let i = 1; i < PROCESSES; i++)
    replicas.push(
      await startExportApiReplica(system, root, (line) =>
        console.error(`[export-api-${i + 1}] ${line}`),
      ),
    );
  const db = openSqlite(system.env.SQLITE_PATH!);
  const workspaces = new SqliteWorkspaceStore(db);
  const schedules = new SqliteScheduleStore(db);
  // Agency workspaces (no monthly cap, 100 schedules); the big one is the benchmark store's own.
  const ids = ['ws_acme', ...Array.from({ length: WORKSPACES - 1 }, (_, i) => `ws_small_${i + 1}`)];
  for (const id of ids)
    await workspaces.upsert({ ...DEMO_WORKSPACES[0]!, workspace_id: id, name: id, plan: 'agency' });
  // Due together, 20 s from now (past any process's start), at a whole second.
  const due = new Date(Math.ceil((Date.now() + 20_000) / 1000) * 1000);
  const time = due.toISOString().slice(11, 16);
  const made: Schedule[] = [];
  for (let i = 0; i < SCHEDULES; i++) {
    const workspace = i < BIG ? 'ws_acme' : ids[1 + ((i - BIG) % (WORKSPACES - 1))]!;
    const at = new Date().toISOString();
    made.push(
      schedule(workspace, {
        name: `Bench ${i}`,
        range: 'last_7_days',
        recurrence: { frequency: 'daily', time },
        timezone: 'UTC',
        next_run_at: due.toISOString(),
        owner: { user_id: 'user_bench', role: 'admin' },
        created_at: at,
        updated_at: at,
      }),
    );
  }
  for (const each of made) await schedules.create(each, 1000);
  console.log(
    `${SCHEDULES} schedules over ${WORKSPACES} workspaces (one with ${BIG}) due at ${due.toISOString()}; ${PROCESSES} export-api processes`,
  );

  const jobsOf = () =>
    db
      .prepare(
        `SELECT schedule_id, workspace_id, status, created_at, completed_at FROM job_results
         WHERE schedule_id IS NOT NULL`,
      )
      .all() as {
      schedule_id: string;
      workspace_id: string;
      status: string;
      created_at: string;
      completed_at: string | null;
    }[];
  const runsFired = () =>
    (
      db.prepare(`SELECT COUNT(*) AS n FROM schedule_runs WHERE outcome = 'job'`).get() as {
        n: number;
      }
    ).n;
  await waitFor(
    () => (runsFired() >= SCHEDULES ? true : undefined),
    FIRE_LIMIT_MS,
    'every run fired',
  ).catch((error: Error) => console.error(error.message));
  const jobs = jobsOf();
  const perSchedule = new Map<string, number>();
  for (const job of jobs)
    perSchedule.set(job.schedule_id, (perSchedule.get(job.schedule_id) ?? 0) + 1);
  const duplicates = [...perSchedule.values()].reduce((sum, n) => sum + n - 1, 0);
  const runRows = db.prepare('SELECT COUNT(*) AS n FROM schedule_runs').get() as { n: number };
  const lost = made.filter((s) => !perSchedule.has(s.schedule_id)).length;
  const delays = jobs.map((j) => Date.parse(j.created_at) - due.getTime());
  figures['fire delay (due → job created)'] =
    `p50 ${seconds(percentile(delays, 50))}, p99 ${seconds(percentile(delays, 99))}, max ${seconds(Math.max(...delays))} (target: every run within 60 s)`;
  figures['duplicates / lost runs'] =
    `${duplicates} duplicate jobs, ${runRows.n - SCHEDULES} extra run rows, ${lost} lost (target 0 / 0)`;

  const finished = await waitFor(
    () => {
      const all = jobsOf();
      return all.every((j) => j.status === 'COMPLETED' || j.status === 'FAILED') ? all : undefined;
    },
    FINISH_LIMIT_MS,
    'every job finished',
  );
  const failed = finished.filter((j) => j.status === 'FAILED').length;
  const last = Math.max(...finished.map((j) => Date.parse(j.completed_at!)));
  figures['every job finished'] =
    `${seconds(last - due.getTime())} after the due time (${finished.length} jobs, ${failed} FAILED)`;
  const doneAt = (j: (typeof finished)[number]) => Date.parse(j.completed_at!) - due.getTime();
  const bigMedian = median(finished.filter((j) => j.workspace_id === 'ws_acme').map(doneAt));
  const small = finished.filter((j) => j.workspace_id !== 'ws_acme').map(doneAt);
  const lateSmall = small.filter((ms) => ms > bigMedian).length;
  figures['fairness'] =
    `small workspaces' last job done at ${seconds(Math.max(...small))}, the big workspace's median at ${seconds(bigMedian)}; ${lateSmall} small jobs finished after it (target 0)`;
  db.close();
} finally {
  for (const replica of replicas) await replica.stop();
  await system.stop();
}
console.table(figures);
recordBenchmark('schedules', {
  title: 'Schedules: a burst of due runs across tasks (`npm run bench:schedules`)',
  description: `${SCHEDULES} schedules over ${WORKSPACES} agency workspaces, one of them with ${BIG}, all due at the same instant, on the whole local system with ${PROCESSES} export-api processes running the schedule loop on one SQLite store (default tick, 15 s). Each run is a 7-day, one-platform CSV; the big workspace is the benchmark store's (with data), the others have none (their CSVs are empty). The fire delay is each job's creation time minus the due time; fairness compares when jobs finished.`,
  figures,
  machine: machineSummary(),
});
