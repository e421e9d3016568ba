/**
 * npm start: the whole export service on this machine. The build, emulators (fauxqs, s3rver),
 * resources, demo data, the three services; prints the API URL, a dev token and a curl example,
 * and writes them to data/local.json for scripts. Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildServices } from '../build-services.ts';
import { SERVICES, type ServiceName } from '../services.ts';

const root = new URL('../../../', import.meta.url).pathname;
// The services run their built JavaScript: bring it up to date first. esbuild builds in its own
// process, so the launcher loads its modules (about 0.6 s, the emulators mostly) meanwhile.
const built = buildServices(root);
const { startLocalSystem } = await import('../local-system.ts');
await built;
const dataDir = join(root, 'data');
mkdirSync(dataDir, { recursive: true });

// A per-checkout secret for local tokens, kept across restarts so printed tokens stay valid.
const secretFile = join(dataDir, '.local-jwt-secret');
if (!existsSync(secretFile))
  writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
const jwtSecret = readFileSync(secretFile, 'utf8').trim();

const COLORS: Record<ServiceName | 'system', string> = {
  'export-api': '\x1b[36m',
  'report-builder': '\x1b[35m',
  renderer: '\x1b[33m',
  system: '\x1b[32m',
};
const width = Math.max(...SERVICES.map((s) => s.length));

/** JSON log lines become "[service] level message key=value" for people; anything else passes. */
function printLog(service: ServiceName | 'system', line: string) {
  let text = line;
  try {
    const { level, msg, time, service: name, pid, hostname, ...rest } = JSON.parse(line);
    const levelName =
      (
        { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' } as Record<
          number,
          string
        >
      )[level] ?? level;
    const extra = Object.entries(rest).map(
      ([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`,
    );
    text = [levelName, msg, ...extra].join(' ');
  } catch {
    // not JSON: print as it is
  }
  const prefix = process.stdout.isTTY
    ? `${COLORS[service]}[${service.padEnd(width)}]\x1b[0m`
    : `[${service.padEnd(width)}]`;
  for (const part of text.split('\n')) console.log(`${prefix} ${part}`);
}

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const system = await startLocalSystem({
  root,
  dataDir,
  ports: {
    api: port('PORT', 8080),
    apiOps: port('EXPORT_API_OPS_PORT', 8083),
    sqs: port('SQS_PORT', 4566),
    s3: port('S3_PORT', 4568),
    reportBuilderOps: port('REPORT_BUILDER_OPS_PORT', 8081),
    rendererOps: port('RENDERER_OPS_PORT', 8082),
  },
  jwtSecret,
  insightsPath: join(dataDir, 'insights.duckdb'),
  onLog: printLog,
});

writeFileSync(
  join(dataDir, 'local.json'),
  JSON.stringify(
    {
      api_url: system.apiUrl,
      tokens: system.tokens,
      viewer_token: system.viewerToken,
      ops: system.opsUrls,
      ops_token: system.opsToken,
    },
    null,
    2,
  ),
);
const token = system.tokens.ws_acme!;
const until = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const since = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
console.log(`
  Wevion analytics export is running.

  Page         ${system.apiUrl}/analytics   (signed in to the demo workspace)
  API          ${system.apiUrl}/api/v1/analytics/export
  Workspace    ws_acme (Acme Outdoor GmbH, admin). Tokens for every demo workspace: data/local.json
  Token        ${token}
               (valid 12 hours; npm start signs new ones each time)
  Ops          export-api ${system.opsUrls['export-api']}, metrics token in data/local.json

  Export a CSV:
    curl -s -X POST ${system.apiUrl}/api/v1/analytics/export \\
      -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' \\
      -d '{"since":"${since}","until":"${until}","platforms":["meta","google","tiktok"],"format":"CSV","target_currency":"EUR"}'
    curl -s ${system.apiUrl}/api/v1/analytics/export/<job_id> -H "Authorization: Bearer ${token}"

  Or: npm run export -- --since ${since} --until ${until} --platforms meta,google --format CSV --currency EUR
${system.notes.map((n) => `  Note: ${n}`).join('\n')}
  Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the services and emulators…');
    system.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Stopping failed:', error);
        process.exit(1);
      },
    );
  });
}
