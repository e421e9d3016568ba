/**
 * npm run export -- --since 2026-08-01 --until 2026-10-29 --platforms meta,google --format CSV --currency EUR
 * Submits an export to the running API, shows its progress, and saves the file.
 * API URL and token come from data/local.json (written by npm start) unless --api/--token say otherwise.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobView } from '../export-requests.ts';

const usage =
  'npm run export -- --since YYYY-MM-DD --until YYYY-MM-DD --platforms meta,google --format CSV|PDF ' +
  '--currency EUR [--timezone Europe/Berlin] [--dimensions date,platform,account,campaign] ' +
  '[--granularity day|week|month|total] [--metrics spend,clicks,…] [--include-currency] [--bom] ' +
  '[--workspace ws_acme] [--out DIR] [--api URL --token JWT]';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      platforms: { type: 'string' },
      format: { type: 'string', default: 'CSV' },
      currency: { type: 'string' },
      timezone: { type: 'string' },
      dimensions: { type: 'string' },
      granularity: { type: 'string' },
      metrics: { type: 'string' },
      'include-currency': { type: 'boolean', default: false },
      bom: { type: 'boolean', default: false },
      workspace: { type: 'string', default: 'ws_acme' },
      out: { type: 'string', default: '.' },
      api: { type: 'string' },
      token: { type: 'string' },
    },
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n\nUsage: ${usage}`);
}

const localFile = new URL('../../../../data/local.json', import.meta.url).pathname;
const local = existsSync(localFile) ? JSON.parse(readFileSync(localFile, 'utf8')) : null;
const api = args.api ?? local?.api_url;
const token = args.token ?? process.env.WEVION_TOKEN ?? local?.tokens?.[args.workspace];
if (!api || !token)
  fail(
    `No API URL or token: start the system with "npm start" or pass --api and --token.\n\nUsage: ${usage}`,
  );

const list = (value: string) => value.split(',').map((item) => item.trim());
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const body = {
  since: args.since,
  until: args.until,
  platforms: args.platforms === undefined ? undefined : list(args.platforms),
  format: args.format,
  target_currency: args.currency,
  ...(args.timezone ? { timezone: args.timezone } : {}),
  ...(args.dimensions ? { dimensions: list(args.dimensions) } : {}),
  ...(args.granularity ? { granularity: args.granularity } : {}),
  ...(args.metrics ? { metrics: list(args.metrics) } : {}),
  ...(args['include-currency'] ? { include_currency: true } : {}),
  ...(args.bom ? { csv_bom: true } : {}),
};

const accepted = await fetch(`${api}/api/v1/analytics/export`, {
  method: 'POST',
  headers,
  body: JSON.stringify(body),
});
const answer = (await accepted.json()) as {
  job_id?: string;
  error?: { message: string; field?: string };
};
if (accepted.status !== 202) {
  fail(
    `Export refused (${accepted.status}): ${answer.error?.field ? `${answer.error.field}: ` : ''}${answer.error?.message}`,
  );
}
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
  job = (await (
    await fetch(`${api}/api/v1/analytics/export/${answer.job_id}`, { headers })
  ).json()) as JobView;
  const rows = job.progress?.rows ? ` ${job.progress.rows.toLocaleString('en')} rows` : '';
  const line = `${bar(job.progress?.percent ?? 0, job.progress?.stage ?? job.status.toLowerCase())}${rows}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  if (job.status === 'COMPLETED' || job.status === 'FAILED') break;
  await new Promise((r) => setTimeout(r, delay));
  delay = Math.min(delay * 1.5, 2000); // back off on long jobs
}
if (process.stdout.isTTY) process.stdout.write('\n');
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (job.status === 'FAILED')
  fail(`Export failed after ${seconds} s: ${job.error?.message} (${job.error?.code})`);

const download = await fetch(job.download_url!);
if (!download.ok) fail(`Download failed: HTTP ${download.status}`);
const bytes = Buffer.from(await download.arrayBuffer());
const sha256 = createHash('sha256').update(bytes).digest('hex');
if (sha256 !== job.file!.sha256) fail('The downloaded file does not match its recorded sha256.');
const path = resolve(join(args.out, job.file!.filename));
writeFileSync(path, bytes);
console.log(
  `Saved ${path} (${job.file!.rows.toLocaleString('en')} rows, ${bytes.length.toLocaleString('en')} bytes) in ${seconds} s.`,
);
