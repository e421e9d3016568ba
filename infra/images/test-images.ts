/**
 * npm run test:images (through run.sh, which provides the engine and the base images): builds
 * every Dockerfile target, runs each service's image on the host network against the local
 * emulators (loopback), requires /healthz, /readyz and the engine's HEALTHCHECK from all three,
 * exports a CSV and a PDF through the containers and checks the downloaded files' sha256, then
 * stops each container with SIGTERM (exit 0 within its grace period) and removes what it made.
 * Any failure prints the container's log and exits 1.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLocalEmulators } from '../src/local-emulators.ts';
import { freePorts } from '../src/local-system.ts';
import { exportBoth } from './export-through-api.ts';
import { eventually } from '@wevion/testing/polling.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
// In this order, each build adds only its own stages: Docker's classic builder builds every
// stage above a target, so a target's time is what it added to those built before it.
const TARGETS = ['export-api', 'report-builder', 'renderer', 'tools'] as const;
const SERVICES = ['export-api', 'report-builder', 'renderer'] as const;
type Service = (typeof SERVICES)[number];
/** `docker stop`'s grace period: what ECS and compose give a task before SIGKILL. */
const STOP_GRACE_S = 30;
const RUN_ID = `wevion-it-${randomBytes(3).toString('hex')}`;
const image = (target: string) => `wevion/${target}:${RUN_ID}`;

const docker = async (...args: string[]) =>
  (await run('docker', args, { maxBuffer: 64 * 1024 * 1024 })).stdout.trim();

/** A build's own output streams to a log; only a failure prints it. */
function build(target: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      'docker',
      ['build', '--network', 'host', '--target', target, '--tag', image(target), '.'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`docker build --target ${target} failed:\n${output.slice(-4000)}`)),
    );
  });
}

const ok = async (url: string) => {
  try {
    return (await fetch(url)).ok ? true : undefined;
  } catch {
    return undefined;
  }
};

const COMPOSE_PROJECT = RUN_ID.replaceAll('-', '');
const COMPOSE_FILES = [
  '-f',
  'docker-compose.yml',
  '-f',
  'infra/images/docker-compose.no-registry.yml',
];

/** What the compose files read: fresh secrets, and the images this run built. */
const COMPOSE_SECRETS = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
  OPS_TOKEN: randomBytes(16).toString('hex'),
};
const COMPOSE_ENV = {
  ...process.env,
  ...COMPOSE_SECRETS,
  WEVION_TOOLS_IMAGE: image('tools'),
  WEVION_EXPORT_API_IMAGE: image('export-api'),
  WEVION_REPORT_BUILDER_IMAGE: image('report-builder'),
  WEVION_RENDERER_IMAGE: image('renderer'),
};
const compose = async (...args: string[]) =>
  (
    await run('docker-compose', ['--project-name', COMPOSE_PROJECT, ...args], {
      cwd: root,
      env: COMPOSE_ENV,
      maxBuffer: 64 * 1024 * 1024,
    })
  ).stdout.trim();

/**
 * docker-compose.yml validated by docker-compose, then run with the no-registry override:
 * provisioning and seeding one-shots, depends_on conditions, healthchecks and two renderers
 * (--scale) on this engine, and a CSV and a PDF exported through them.
 */
async function composeTopology() {
  await compose('-f', 'docker-compose.yml', 'config', '--quiet');
  console.log('docker-compose.yml is valid (docker-compose config)');
  composeUp = true;
  await compose(...COMPOSE_FILES, 'up', '--detach', '--no-build', '--scale', 'renderer=2');
  const ids = async (service: string) =>
    (await compose(...COMPOSE_FILES, 'ps', '--quiet', service)).split('\n').filter(Boolean);
  const health = (id: string) => docker('inspect', '--format', '{{.State.Health.Status}}', id);
  const services = ['export-api', 'report-builder', 'renderer'];
  try {
    await eventually(
      async () => {
        const all = (await Promise.all(services.map(ids))).flat();
        const states = await Promise.all(all.map(health));
        return all.length === 4 && states.every((s) => s === 'healthy') ? true : undefined;
      },
      180_000,
      1_000,
    );
  } catch {
    throw new Error(
      `the compose topology did not become healthy:\n${await compose(...COMPOSE_FILES, 'ps')}`,
    );
  }
  console.log(
    'compose: provision and seed completed, export-api, report-builder and 2 renderers healthy',
  );
  await exportBoth('http://127.0.0.1:8080', COMPOSE_SECRETS.JWT_SECRET, 'the compose topology');
}

let composeUp = false;
const containers: string[] = [];
const madeDirs: string[] = [];

async function cleanUp() {
  if (composeUp)
    await compose(...COMPOSE_FILES, 'down', '--volumes').catch((error: Error) =>
      console.error(`compose down: ${error.message}`),
    );
  for (const name of containers) await docker('rm', '--force', '--volumes', name).catch(() => '');
  for (const target of TARGETS) await docker('rmi', '--force', image(target)).catch(() => '');
  await docker('image', 'prune', '--force').catch(() => '');
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
}

async function main() {
  // 1. Every target, built in turn (two cores: side by side they only race for them).
  const built: { target: string; seconds: number; size: string }[] = [];
  for (const target of TARGETS) {
    const seconds = await build(target);
    const bytes = Number(await docker('image', 'inspect', '--format', '{{.Size}}', image(target)));
    built.push({ target, seconds, size: `${(bytes / 1e6).toFixed(0)} MB` });
    console.log(`built ${target} in ${seconds.toFixed(0)} s, ${built.at(-1)!.size}`);
  }
  // The runtime images carry what they run: no compiler, no build tool, no dev dependency.
  for (const service of SERVICES) {
    await docker(
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      image(service),
      '-c',
      '! command -v g++ && ! command -v make && ! command -v python3 && ' +
        'test ! -e node_modules/typescript && test ! -e node_modules/mocha && test ! -e node_modules/esbuild',
    ).catch(() => {
      throw new Error(`the ${service} image carries a compiler or a dev dependency`);
    });
  }
  console.log('runtime images: no compiler, no build tool, no dev dependency');

  // 2. The emulators on loopback; resources provisioned and data seeded by the tools image.
  const data = mkdtempSync(join(tmpdir(), 'wevion-images-'));
  const s3Directory = mkdtempSync(join(tmpdir(), 'wevion-images-s3-'));
  madeDirs.push(data, s3Directory);
  chownSync(data, 1000, 1000); // the images' `node` user writes the stores here
  const emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory });
  try {
    const aws = { ...emulators.env };
    const env = (vars: Record<string, string>) =>
      Object.entries(vars).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    const tool = async (name: string, vars: Record<string, string>, ...command: string[]) => {
      containers.push(`${RUN_ID}-${name}`);
      return docker(
        'run',
        '--name',
        `${RUN_ID}-${name}`,
        '--network',
        'host',
        '--volume',
        `${data}:/data`,
        ...env(vars),
        image('tools'),
        ...command,
      );
    };
    const provisioned = await tool(
      'provision',
      aws,
      'node',
      '--import',
      'tsx',
      'infra/src/cli/provision.ts',
    );
    const resources = Object.fromEntries(
      provisioned
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    await tool(
      'seed',
      { SQLITE_PATH: '/data/export-api.sqlite' },
      'sh',
      '-c',
      'node --import tsx services/report-builder/src/cli/seed.ts --out /data/insights.duckdb ' +
        '--workspaces 1 --platforms 3 --campaigns 3 --days 40 && ' +
        'node --import tsx services/export-api/src/cli/seed-workspaces.ts',
    );
    console.log(`provisioned ${Object.keys(resources).length} resources, seeded /data`);

    // 3. Each service's image, on the host network, production settings.
    // Found together: ports asked for one at a time can come back twice (see freePorts).
    const [api, exportApi, reportBuilder, renderer] = await freePorts(4);
    const ports = {
      api: api!,
      'export-api': exportApi!,
      'report-builder': reportBuilder!,
      renderer: renderer!,
    };
    const secrets = {
      JWT_SECRET: randomBytes(32).toString('hex'),
      INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
      OPS_TOKEN: randomBytes(16).toString('hex'),
    };
    const common = {
      ...aws,
      ...resources,
      ...secrets,
      NODE_ENV: 'production',
      OPS_HOST: '127.0.0.1',
    };
    const serviceEnv: Record<Service, Record<string, string>> = {
      'export-api': {
        PORT: String(ports.api),
        HOST: '127.0.0.1',
        OPS_PORT: String(ports['export-api']),
        SQLITE_PATH: '/data/export-api.sqlite',
        REPORT_BUILDER_URL: `http://127.0.0.1:${ports['report-builder']}`,
      },
      'report-builder': {
        OPS_PORT: String(ports['report-builder']),
        INSIGHTS_DUCKDB_PATH: '/data/insights.duckdb',
      },
      renderer: { OPS_PORT: String(ports.renderer) },
    };
    const start = async (
      service: Service,
      name: string,
      vars: Record<string, string>,
      mount = true,
    ) => {
      containers.push(name);
      await docker(
        'run',
        '--detach',
        '--init',
        '--name',
        name,
        '--network',
        'host',
        ...(mount ? ['--volume', `${data}:/data`] : []),
        ...env({ ...common, ...vars }),
        image(service),
      );
    };
    const logsOf = async (name: string) =>
      docker('logs', '--tail', '60', name).catch((error: Error) => error.message);
    const stopGracefully = async (name: string) => {
      const started = performance.now();
      await docker('stop', '--time', String(STOP_GRACE_S), name);
      const seconds = (performance.now() - started) / 1000;
      const code = await docker('inspect', '--format', '{{.State.ExitCode}}', name);
      if (code !== '0') throw new Error(`${name} exited ${code} on SIGTERM\n${await logsOf(name)}`);
      if (seconds >= STOP_GRACE_S) throw new Error(`${name} took the whole grace period to stop`);
      console.log(
        `${name.slice(RUN_ID.length + 1)} stopped on SIGTERM in ${seconds.toFixed(1)} s, exit 0`,
      );
    };
    const ready = async (service: Service, name: string, url: string) => {
      try {
        await eventually(() => ok(`${url}/healthz`), 60_000, 250);
        await eventually(() => ok(`${url}/readyz`), 60_000, 250);
      } catch {
        const readyz = await fetch(`${url}/readyz`)
          .then((r) => r.text())
          .catch(String);
        throw new Error(
          `${service} did not become ready (${name}): /readyz ${readyz}\n${await logsOf(name)}`,
        );
      }
    };

    // export-api on its default store, inside the image (data/ under /app): only starting.
    const defaultStore = `${RUN_ID}-export-api-default-store`;
    const [defaultApi, defaultOps] = await freePorts(2);
    const defaultPorts = { api: defaultApi!, ops: defaultOps! };
    await start(
      'export-api',
      defaultStore,
      { PORT: String(defaultPorts.api), HOST: '127.0.0.1', OPS_PORT: String(defaultPorts.ops) },
      false,
    );
    await ready('export-api', defaultStore, `http://127.0.0.1:${defaultPorts.ops}`);
    // Stopped before any export: it consumes the same events queue as the real one.
    await stopGracefully(defaultStore);
    console.log('export-api starts on its default store inside the image');

    for (const service of SERVICES)
      await start(service, `${RUN_ID}-${service}`, serviceEnv[service]);
    for (const service of SERVICES)
      await ready(service, `${RUN_ID}-${service}`, `http://127.0.0.1:${ports[service]}`);
    console.log('all three services answer /healthz and /readyz');
    for (const service of SERVICES) {
      const name = `${RUN_ID}-${service}`;
      const health = await eventually(
        async () => {
          const status = await docker('inspect', '--format', '{{.State.Health.Status}}', name);
          return status === 'starting' ? undefined : status;
        },
        90_000,
        1_000,
      );
      if (health !== 'healthy') throw new Error(`${service}'s HEALTHCHECK says ${health}`);
    }
    console.log('the engine runs every HEALTHCHECK: all three healthy');

    // 4. A CSV and a PDF through the containers, downloaded and checked.
    await exportBoth(`http://127.0.0.1:${ports.api}`, secrets.JWT_SECRET, 'the containers');

    // 5. SIGTERM: each drains and exits 0 within the grace period.
    for (const service of SERVICES) await stopGracefully(`${RUN_ID}-${service}`);
  } finally {
    await emulators.stop();
  }

  // 6. docker-compose.yml itself: validated, then run as a topology on this engine.
  await composeTopology();

  console.log('\nimage            build (added to the targets before it)    size');
  for (const { target, seconds, size } of built)
    console.log(
      `${target.padEnd(16)} ${`${seconds.toFixed(0)} s`.padStart(6)}                                 ${size}`,
    );
}

try {
  await main();
  console.log('\ntest:images passed');
} catch (error) {
  console.error(`\ntest:images FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
