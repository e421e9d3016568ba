/**
 * npm run schedules -- list|create|pause|resume|run|runs|delete
 * Manages the scheduled exports of the running system, as the page does. API URL and token come
 * from data/local.json (written by npm start) unless --api/--token say otherwise. Every failure is
 * one line on stderr and exit code 1; --help prints the usage.
 */
import {
  EXPORT_FORMATS,
  SCHEDULE_FREQUENCIES,
  SCHEDULE_RANGES,
  WEEKDAYS,
  type ScheduleRunView,
  type ScheduleView,
} from '@wevion/shared/api-contract.ts';
import {
  apiClient,
  CONNECTION_OPTIONS,
  EXPORT_OPTIONS,
  exportFieldsOf,
  list,
  parseCommandLine,
  type ApiError,
  type Fail,
} from './api-client.ts';

const COMMANDS = ['list', 'create', 'pause', 'resume', 'run', 'runs', 'delete'] as const;
type Command = (typeof COMMANDS)[number];

const usage = `Usage: npm run schedules -- COMMAND [options]

  list                      the workspace's schedules: next run, last result, why paused
  create [options]          a new schedule (admins and media buyers)
  pause ID | resume ID      stop or restart a schedule (resume runs from now, no backlog)
  run ID                    run it now, outside its timetable; prints the job id
  runs ID                   its run history, latest first
  delete ID                 delete it (its jobs stay in the Reports list)

create options:
  --name TEXT               what the schedule is called (required)
  --platforms LIST          comma-separated: meta,google,tiktok,… (required)
  --format ${EXPORT_FORMATS.join('|').padEnd(17)}default CSV
  --currency CODE           target currency, e.g. EUR (required)
  --range RANGE             ${SCHEDULE_RANGES.join(', ')} (required)
  --frequency F             ${SCHEDULE_FREQUENCIES.join(', ')} (required)
  --days LIST               weekly: ${WEEKDAYS.join(',')}, e.g. MON,THU
  --day N|last              monthly: 1 to 31 (the 31st runs on the last day of shorter months) or last
  --time HH:MM              local time of the runs (required)
  --timezone ZONE           IANA zone; default the workspace's
  --dimensions/--granularity/--metrics/--include-currency/--bom   CSV layout, as in npm run export

  --workspace ID            which demo workspace's token to use (default ws_acme)
  --api URL --token JWT     another API than the one npm start wrote to data/local.json
  -h, --help                this text`;

function failEarly(message: string): never {
  console.error(`schedules: ${message}`);
  process.exit(1);
}

const parsed = parseCommandLine('schedules', {
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    range: { type: 'string' },
    frequency: { type: 'string' },
    days: { type: 'string' },
    day: { type: 'string' },
    time: { type: 'string' },
    ...EXPORT_OPTIONS,
    ...CONNECTION_OPTIONS,
  },
});
const { values: args, positionals } = parsed;
if (args.help || !positionals.length) {
  console.log(usage);
  process.exit(args.help ? 0 : 1);
}
const [command, id] = positionals as [Command, string | undefined];
if (!(COMMANDS as readonly string[]).includes(command))
  failEarly(`unknown command "${command}"; use one of ${COMMANDS.join(', ')}.`);

const client = apiClient('schedules', args);
const { api, headers, request, json, problems } = client;
const fail: Fail = client.fail;
const base = `${api}/api/v1/analytics/schedules`;

/** Sends a request and answers its JSON, or fails with what the API said. */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await request(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const answer = await json<T & { error?: ApiError }>(response);
  if (!response.ok) fail(`${command} refused (${response.status}): ${problems(answer)}`);
  return answer;
}

const local = (iso: string | undefined) =>
  iso?.replace('T', ' ').replace(/:00([+-]\d\d:\d\d)$/, ' $1') ?? '—';

function lastResult(run: ScheduleRunView | null): string {
  if (!run) return 'not run yet';
  if (run.outcome === 'job') return `${run.job_status} (job ${run.job_id})`;
  return `${run.outcome}${run.reason ? `: ${run.reason.message}` : ''}`;
}

function describe(schedule: ScheduleView): string {
  const state =
    schedule.status === 'active'
      ? `next ${local(schedule.next_runs[0])}`
      : `PAUSED: ${schedule.paused_reason?.message}`;
  return [
    `${schedule.schedule_id}  ${schedule.name}`,
    `  ${schedule.export.format} ${schedule.range}, ${schedule.recurrence.frequency} at ${schedule.recurrence.time} ${schedule.timezone}; ${state}`,
    `  last run: ${lastResult(schedule.last_run)}`,
  ].join('\n');
}

function createBody() {
  const recurrence =
    args.frequency === 'weekly'
      ? {
          frequency: 'weekly',
          days: args.days ? list(args.days.toUpperCase()) : undefined,
          time: args.time,
        }
      : args.frequency === 'monthly'
        ? {
            frequency: 'monthly',
            day: args.day === 'last' || args.day === undefined ? args.day : Number(args.day),
            time: args.time,
          }
        : { frequency: args.frequency, time: args.time };
  return {
    name: args.name,
    export: exportFieldsOf(args),
    range: args.range,
    recurrence,
    ...(args.timezone ? { timezone: args.timezone } : {}),
  };
}

const needsId = (name: Command): string => {
  if (!id) fail(`"${name}" needs a schedule id (see "npm run schedules -- list").`);
  return id!;
};

switch (command) {
  case 'list': {
    const { schedules } = await call<{ schedules: ScheduleView[] }>('GET', '?limit=100');
    console.log(schedules.length ? schedules.map(describe).join('\n\n') : 'No schedules yet.');
    break;
  }
  case 'create': {
    const schedule = await call<ScheduleView>('POST', '', createBody());
    console.log(`Created.\n${describe(schedule)}`);
    console.log(`  next runs: ${schedule.next_runs.map(local).join(', ')}`);
    break;
  }
  case 'pause':
  case 'resume': {
    const schedule = await call<ScheduleView>('POST', `/${needsId(command)}/${command}`);
    console.log(describe(schedule));
    break;
  }
  case 'run': {
    const { job_id } = await call<{ job_id: string }>('POST', `/${needsId('run')}/run`);
    console.log(
      `Job ${job_id} queued; follow it in the Reports list or GET /api/v1/analytics/export/${job_id}.`,
    );
    break;
  }
  case 'runs': {
    const { runs } = await call<{ runs: ScheduleRunView[] }>(
      'GET',
      `/${needsId('runs')}/runs?limit=50`,
    );
    for (const run of runs)
      console.log(`${run.scheduled_for}  ${run.since}..${run.until}  ${lastResult(run)}`);
    if (!runs.length) console.log('No runs yet.');
    break;
  }
  case 'delete':
    await call('DELETE', `/${needsId('delete')}`);
    console.log('Deleted.');
    break;
}
