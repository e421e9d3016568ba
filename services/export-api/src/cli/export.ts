/**
 * npm run export -- --since 2026-08-01 --until 2026-10-29 --platforms meta,google --format CSV --currency EUR
 * Submits an export to the running API, shows its progress, and saves the file (in ./exports/
 * unless --out names another folder, created when missing). API URL and token come from
 * data/local.json (written by npm start) unless --api/--token say otherwise. Every failure is one
 * line on stderr and exit code 1; --help prints the usage.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  EXPORT_FORMATS,
  EXPORT_FORMAT_SPECS,
  MAX_DATE_RANGE_DAYS,
} from '@wevion/shared/api-contract.ts';
import { count, fileSize, humanizeDates } from '@wevion/shared/report-format.ts';
import type { JobView } from '../export-requests.ts';
import {
  apiClient,
  CONNECTION_OPTIONS,
  EXPORT_OPTIONS,
  exportFieldsOf,
  parseCommandLine,
  type ApiError,
  type Fail,
} from './api-client.ts';

const usage = `Usage: npm run export -- [options]

Submits an export to the running API, shows its progress and saves the file.

  --since YYYY-MM-DD        first day of the period (required)
  --until YYYY-MM-DD        last day; a range of at most ${MAX_DATE_RANGE_DAYS} days, both ends included (required)
  --platforms LIST          comma-separated: meta,google,tiktok,… (required)
  --format ${EXPORT_FORMATS.join('|').padEnd(17)}default CSV (any case: pdf works)
  --currency CODE           target currency, e.g. EUR or eur; default the workspace's
  --timezone ZONE           IANA zone, default the workspace's
  --dimensions LIST         CSV rows per date,platform,account,campaign (in that order or any)
  --granularity G           CSV dates by day, week, month or total
  --metrics LIST            CSV metric columns, e.g. spend,clicks,roas
  --include-currency        CSV: add a currency column
  --bom                     CSV: start the file with a UTF-8 BOM (for Excel)
  --workspace ID            which demo workspace's token to use (default ws_acme; npm start's
                            data/local.json lists them)
  --out DIR                 where to save the file (default ./exports, created when missing)
  --api URL --token JWT     another API than the one npm start wrote to data/local.json
                            (or to the file $WEVION_LOCAL names)
  -h, --help                this text`;

const args = parseCommandLine('export', {
  options: {
    since: { type: 'string' },
    until: { type: 'string' },
    ...EXPORT_OPTIONS,
    out: { type: 'string', default: 'exports' },
    ...CONNECTION_OPTIONS,
  },
}).values;
if (args.help) {
  console.log(usage);
  process.exit(0);
}

const client = apiClient('export', args);
const { api, headers, request, json, problems } = client;
const fail: Fail = client.fail;

/** Without --currency, the workspace's own, as the page defaults to it. */
async function workspaceCurrency(): Promise<string> {
  const response = await request(`${api}/api/v1/workspaces/current`, { headers });
  const workspace = await json<{ currency?: string; error?: { message: string } }>(response);
  if (!response.ok || !workspace.currency)
    fail(`cannot read the workspace (${response.status}): ${workspace.error?.message}`);
  return workspace.currency;
}

// The API takes its literals in uppercase (the contract); a person may type them either way.
const fields = exportFieldsOf(args);
const body = {
  since: args.since,
  until: args.until,
  ...fields,
  target_currency: fields.target_currency ?? (await workspaceCurrency()),
  ...(args.timezone ? { timezone: args.timezone } : {}),
};

const accepted = await request(`${api}/api/v1/analytics/export`, {
  method: 'POST',
  headers,
  body: JSON.stringify(body),
});
const answer = await json<{ job_id?: string; error?: ApiError }>(accepted);
if (accepted.status !== 202) fail(`export refused (${accepted.status}): ${problems(answer)}`);
console.log(`Job ${answer.job_id} queued.`);

const bar = (percent: number, stage: string) => {
  const width = 30;
  const filled = Math.round((percent / 100) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(percent)).padStart(3)}% ${stage.padEnd(12)}`;
};
const started = Date.now();
let delay = 200;
let job: JobView;
for (;;) {
  const polled = await request(`${api}/api/v1/analytics/export/${answer.job_id}`, { headers });
  job = await json<JobView>(polled);
  if (!polled.ok) fail(`polling the job failed (${polled.status}): ${JSON.stringify(job)}`);
  const rows = job.progress?.rows ? ` ${count(job.progress.rows)} rows` : '';
  const line = `${bar(job.progress?.percent ?? 0, job.progress?.stage ?? job.status.toLowerCase())}${rows}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  if (job.status === 'COMPLETED' || job.status === 'FAILED') break;
  await new Promise((r) => setTimeout(r, delay));
  delay = Math.min(delay * 1.5, 2000); // back off on long jobs
}
if (process.stdout.isTTY) process.stdout.write('\n');
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (job.status === 'FAILED')
  fail(`the export failed after ${seconds} s: ${job.error?.message} (${job.error?.code})`);

const download = await request(job.download_url!);
if (!download.ok) fail(`the download failed: HTTP ${download.status}`);
const bytes = Buffer.from(await download.arrayBuffer());
const sha256 = createHash('sha256').update(bytes).digest('hex');
if (sha256 !== job.file!.sha256) fail('the downloaded file does not match its recorded sha256.');
const folder = resolve(args.out);
const path = join(folder, job.file!.filename);
try {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path, bytes);
} catch (error) {
  fail(`cannot save into ${folder}: ${(error as Error).message}`);
}
// Rows say something about a CSV; a PDF's pages are not rows.
const facts = [
  EXPORT_FORMAT_SPECS[job.format].hasRows ? `${count(job.file!.rows)} rows` : '',
  fileSize(bytes.length),
]
  .filter(Boolean)
  .join(', ');
console.log(`Saved ${path} (${facts}) in ${seconds} s.`);
// A file with no data, or with days still to come, says so where the user is looking.
for (const warning of job.warnings)
  console.log(`Warning: ${humanizeDates(warning.message, job.params.timezone)}`);
