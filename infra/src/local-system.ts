import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SignJWT } from 'jose';
import { createAwsClients, destroyAwsClients, type AwsClients } from '@wevion/shared';
import { LOCAL_CREDENTIALS, startLocalEmulators } from './local-emulators.ts';
import { provision, type ProvisionOptions } from './provision.ts';
import { serviceAllocatorEnv, serviceCommand, SERVICES, type ServiceName } from './services.ts';

export { SERVICES, type ServiceName };

export interface LocalSystemOptions {
  /** Repository root (services are started from here). */
  root: string;
  dataDir: string;
  /** A missing port or 0 picks a free one (tests); `npm start` names fixed ones. */
  ports?: Partial<{
    api: number;
    apiOps: number;
    sqs: number;
    s3: number;
    reportBuilderOps: number;
    rendererOps: number;
  }>;
  jwtSecret: string;
  insightsPath: string;
  /** Flags for `npm run seed` when the insights store is empty. */
  seedArgs?: string[];
  queueOverrides?: ProvisionOptions['queueOverrides'];
  /** Extra environment for every service (e.g. short long-polls in tests). */
  env?: Record<string, string>;
  /** Extra environment for one service (e.g. its CONCURRENCY in a benchmark). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Extra node flags before a service's own (e.g. `--cpu-prof` in a benchmark). */
  nodeFlags?: Partial<Record<ServiceName, string[]>>;
  /** Kumo's seeded exports, which run about 30 s after the start (on unless a benchmark). */
  demoHistory?: boolean;
  onLog: (service: ServiceName | 'system', line: string) => void;
}

export interface LocalSystem {
  apiUrl: string;
  /** Everything a service or a test needs to reach the emulators and resources. */
  env: Record<string, string>;
  opsUrls: Record<ServiceName, string>;
  /** Bearer token of every service's /metrics. */
  opsToken: string;
  tokens: Record<string, string>;
  viewerToken: string;
  notes: string[];
  /** SIGKILLs one service (a crash: no graceful stop) and resolves once it is gone. */
  kill(name: ServiceName): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) one service: a worker stalled mid-job. */
  freeze(name: ServiceName, frozen: boolean): void;
  /** The process id of a running service. */
  pid(name: ServiceName): number | undefined;
  /** Starts a killed service again and resolves once it is ready. */
  restart(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/**
 * `count` ports free on loopback, all different: each is held open until every one is found,
 * since a port released before the next is asked for can come back a second time (two services
 * were once given the same one).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  return ports;
}

/** Brands the demo workspace through the real API, as an admin would. */
async function uploadDemoLogo(root: string, apiUrl: string, token: string): Promise<void> {
  const form = new FormData();
  const logo = readFileSync(join(root, 'infra/demo/acme-logo.svg'));
  form.set('logo', new Blob([logo], { type: 'image/svg+xml' }), 'acme-logo.svg');
  form.set('primary_color', '#0B5FFF');
  form.set('secondary_color', '#14B8A6');
  const response = await fetch(`${apiUrl}/api/v1/workspaces/current/branding`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (!response.ok) throw new Error(`branding the demo workspace failed: ${await response.text()}`);
}

/** Within export-api's default JWT_MAX_LIFETIME_SECONDS (24 h); `npm start` signs new ones. */
const DEV_TOKEN_LIFETIME = '12h';

/** A platform-style user token (HS256) for local use. */
export async function signDevToken(
  secret: string,
  claims: { sub: string; workspace_id: string; role: string },
) {
  return new SignJWT({ workspace_id: claims.workspace_id, role: claims.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(DEV_TOKEN_LIFETIME)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The launcher seeds through the services' own CLIs, never their modules: what a service stores
 * stays its business. The demo store takes seconds and is kept once seeded.
 */
function seedInsightsIfEmpty(
  options: LocalSystemOptions,
  env: Record<string, string>,
): Promise<string> {
  return runTsx(
    options.root,
    'services/report-builder/src/cli/seed.ts',
    ['--out', options.insightsPath, '--if-missing', ...(options.seedArgs ?? [])],
    env,
  );
}

/** The demo workspaces and history; SQLite's WAL lets export-api read meanwhile. */
function seedWorkspaces(root: string, sqlitePath: string, history: boolean): Promise<string> {
  return runTsx(
    root,
    'services/export-api/src/cli/seed-workspaces.ts',
    history ? [] : ['--no-history'],
    {
      SQLITE_PATH: sqlitePath,
      MONGODB_URI: '',
    },
  );
}

/** Runs a TypeScript script to completion and resolves with what it printed. */
function runTsx(
  root: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output.trim()) : reject(new Error(`${script} failed:\n${output}`)),
    );
  });
}

/**
 * What each service process printed last, and when its output ended: a process that dies while
 * starting says why.
 */
const outputs = new WeakMap<ChildProcess, { lastLines: string[]; ended: Promise<void> }>();
const LAST_LINES = 20;
/** How long a dead process's output may take to drain before it is quoted as it stands. */
const DRAIN_MS = 2_000;

/** Passes each line `child` prints to `onLog`, and keeps the last ones for `waitUntilOk`. */
function followOutput(child: ChildProcess, onLog: (line: string) => void): void {
  const lastLines: string[] = [];
  // 'close' comes once the process has exited and its stdout and stderr are read to the end.
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
  outputs.set(child, { lastLines, ended });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > LAST_LINES) lastLines.shift();
      onLog(line);
    });
  }
}

/** Resolves once `url` answers 200: /healthz when the process is up, /readyz when it is ready. */
async function waitUntilOk(url: string, child: ChildProcess, name: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const output = outputs.get(child);
      // Its last words may still be in the pipe when the exit is seen.
      await Promise.race([output?.ended, delay(DRAIN_MS, undefined, { ref: false })]);
      const said = output?.lastLines.join('\n');
      throw new Error(
        `${name} exited with code ${child.exitCode} while starting${said ? `; its last lines:\n${said}` : ''}`,
      );
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not answer within ${timeoutMs / 1000} s (${url})`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** How often the launcher checks that the emulator still has its queues. */
const RESOURCE_CHECK_MS = 2_000;

/**
 * fauxqs keeps queues, the topic and its subscriptions in memory: if the emulator restarts or
 * loses them, every service would wait on queues that no longer exist (jobs stay PENDING).
 * The launcher looks every 2 s and provisions again when they are gone; the services' consumers
 * back off meanwhile and resume on the same URLs, and export-api's reconciler re-sends the jobs
 * whose messages were lost. Returns a function that stops the watch and the clients.
 */
function keepProvisioned(
  clients: AwsClients,
  queueUrl: string,
  reprovision: () => Promise<unknown>,
  log: (line: string) => void,
): () => Promise<void> {
  let round: Promise<void> = Promise.resolve();
  const check = async () => {
    try {
      await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
    } catch (error) {
      if ((error as Error).name !== 'QueueDoesNotExist') return;
      log('The SQS emulator lost its queues (restarted?): provisioning them again.');
      await reprovision();
      log('Queues, topic and subscriptions are back.');
    }
  };
  const timer = setInterval(() => {
    round = round
      .then(check)
      .catch((error: unknown) => log(`Re-provisioning failed: ${String(error)}`));
  }, RESOURCE_CHECK_MS);
  return async () => {
    clearInterval(timer);
    await round;
    destroyAwsClients(clients);
  };
}

/**
 * The whole system on this machine: emulators, resources, demo data, the three services as
 * separate processes. Used by `npm start` and by the end-to-end tests.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const wanted = options.ports ?? {};
  const [api, apiOps, reportBuilderOps, rendererOps] = await freePorts(4);
  const ports = {
    api: wanted.api || api!,
    apiOps: wanted.apiOps || apiOps!,
    reportBuilderOps: wanted.reportBuilderOps || reportBuilderOps!,
    rendererOps: wanted.rendererOps || rendererOps!,
  };
  const emulators = await startLocalEmulators({
    sqsPort: wanted.sqs ?? 0,
    s3Port: wanted.s3 ?? 0,
    s3Directory: join(options.dataDir, 's3'),
  });
  const children = new Map<ServiceName, ChildProcess>();
  let stopped = false;
  let stopWatching = async () => {};
  const stop = async () => {
    stopped = true;
    await stopWatching();
    await Promise.all([...children.values()].map(stopChild));
    await emulators.stop();
  };
  try {
    const clients = createAwsClients(
      { AWS_REGION: 'us-east-1', ...emulators.env },
      LOCAL_CREDENTIALS,
    );
    const provisionOptions = { queueOverrides: options.queueOverrides };
    const { env: resources, notes } = await provision(clients, provisionOptions);
    stopWatching = keepProvisioned(
      clients,
      resources.EXPORT_JOBS_QUEUE_URL!,
      () => provision(clients, provisionOptions),
      (line) => options.onLog('system', line),
    );

    const sqlitePath = join(options.dataDir, 'export-api.sqlite');
    // Fresh per run: only these processes talk to each other's internal and ops endpoints.
    const opsToken = randomBytes(24).toString('hex');
    const env: Record<string, string> = {
      ...emulators.env,
      ...resources,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      JWT_SECRET: options.jwtSecret,
      INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
      OPS_TOKEN: opsToken,
      OPS_HOST: '127.0.0.1',
      SQLITE_PATH: sqlitePath,
      INSIGHTS_DUCKDB_PATH: options.insightsPath,
      ...options.env,
    };
    const tokens: Record<string, string> = {};
    for (const workspace of ['ws_acme', 'ws_nova', 'ws_kumo', 'ws_lotus']) {
      tokens[workspace] = await signDevToken(options.jwtSecret, {
        sub: 'user_demo',
        workspace_id: workspace,
        role: 'admin',
      });
    }
    const serviceEnv: Record<ServiceName, Record<string, string>> = {
      'export-api': {
        PORT: String(ports.api),
        OPS_PORT: String(ports.apiOps),
        HOST: '127.0.0.1',
        REPORT_BUILDER_URL: `http://127.0.0.1:${ports.reportBuilderOps}`,
        DEV_SESSION_TOKEN: tokens.ws_acme!,
        // A receiver on this machine (127.0.0.1) may take the webhooks; production refuses it.
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      },
      'report-builder': { OPS_PORT: String(ports.reportBuilderOps) },
      renderer: { OPS_PORT: String(ports.rendererOps) },
    };
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const opsUrls: Record<ServiceName, string> = {
      'export-api': `http://127.0.0.1:${ports.apiOps}`,
      'report-builder': `http://127.0.0.1:${ports.reportBuilderOps}`,
      renderer: `http://127.0.0.1:${ports.rendererOps}`,
    };
    const spawnService = (name: ServiceName) => {
      // A step that finishes after another failed must not start what stop() already stopped.
      if (stopped) throw new Error(`not starting ${name}: the system is stopping`);
      // The image's command line on the built JavaScript (`npm run build`), as in production: no
      // TypeScript compiled at start, the same V8 flags.
      const argv = [...(options.nodeFlags?.[name] ?? []), ...serviceCommand(options.root, name)];
      const child = spawn(process.execPath, argv, {
        cwd: options.root,
        env: {
          ...process.env,
          ...env,
          ...serviceAllocatorEnv(options.root, name),
          ...serviceEnv[name],
          ...options.serviceEnv?.[name],
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.set(name, child);
      followOutput(child, (line) => options.onLog(name, line));
      return child;
    };
    const launch = async (name: ServiceName) =>
      waitUntilOk(`${opsUrls[name]}/readyz`, spawnService(name), name);
    // export-api first: loading a service's modules takes about a second of CPU, and with all
    // three at once on two cores the API answered a second later. The workers start as soon as
    // it is up (a job posted meanwhile waits in its queue). report-builder opens the insights
    // store only once seeding has let go of it (DuckDB has one writer). SQLite is in WAL mode, so
    // seeding workspaces beside export-api is safe.
    const api = spawnService('export-api');
    await waitUntilOk(`${opsUrls['export-api']}/healthz`, api, 'export-api');
    await Promise.all([
      waitUntilOk(`${opsUrls['export-api']}/readyz`, api, 'export-api'),
      launch('renderer'),
      seedInsightsIfEmpty(options, env).then((printed) => {
        options.onLog('system', printed);
        return launch('report-builder');
      }),
      seedWorkspaces(options.root, sqlitePath, options.demoHistory ?? true).then((printed) =>
        options.onLog('system', printed),
      ),
    ]);

    await uploadDemoLogo(options.root, apiUrl, tokens.ws_acme!);
    const viewerToken = await signDevToken(options.jwtSecret, {
      sub: 'user_viewer',
      workspace_id: 'ws_acme',
      role: 'viewer',
    });
    const kill = async (name: ServiceName) => {
      const child = children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    };
    return {
      apiUrl,
      env,
      opsUrls,
      opsToken,
      tokens,
      viewerToken,
      notes,
      kill,
      freeze: (name, frozen) => children.get(name)?.kill(frozen ? 'SIGSTOP' : 'SIGCONT'),
      pid: (name) => children.get(name)?.pid,
      restart: launch,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Another export-api process beside a running system's: the same store, queues and secrets, its
 * own ports. Tests and benchmarks use it to run the schedule loop in several tasks at once.
 */
export async function startExportApiReplica(
  system: LocalSystem,
  root: string,
  onLog: (line: string) => void,
): Promise<{ apiUrl: string; stop(): Promise<void> }> {
  const [port, opsPort] = await freePorts(2);
  const child = spawn(process.execPath, serviceCommand(root, 'export-api'), {
    cwd: root,
    env: {
      ...process.env,
      ...system.env,
      PORT: String(port),
      OPS_PORT: String(opsPort),
      HOST: '127.0.0.1',
      REPORT_BUILDER_URL: system.opsUrls['report-builder'],
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  followOutput(child, onLog);
  try {
    await waitUntilOk(`http://127.0.0.1:${opsPort}/readyz`, child, 'export-api replica');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { apiUrl: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
