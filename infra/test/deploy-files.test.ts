import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadExportApiConfig } from '../../services/export-api/src/config.ts';
import { loadRendererConfig } from '../../services/renderer/src/config.ts';
import { loadReportBuilderConfig } from '../../services/report-builder/src/config.ts';
import { BUCKET, DEAD_LETTER_SUFFIX, QUEUES, TOPIC } from '../src/resources.ts';
import { serviceAllocatorEnv, serviceCommand, SERVICES } from '../src/services.ts';

/**
 * There is no Docker engine where the tests run, so docker-compose.yml and the Dockerfile are
 * checked statically against the code: the variables each service's config requires, the
 * resource names of resources.ts, healthchecks, scalable workers, and every path the Dockerfile
 * copies.
 */
const root = new URL('../../', import.meta.url).pathname;
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; target: string };
  environment?: Record<string, string>;
  healthcheck?: { test?: unknown; disable?: boolean };
  ports?: string[];
  container_name?: string;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
}

const LOADERS: Record<string, (env: NodeJS.ProcessEnv) => unknown> = {
  'export-api': loadExportApiConfig,
  'report-builder': loadReportBuilderConfig,
  renderer: loadRendererConfig,
};

/** `${NAME:?message}` as compose would fill it from the operator's environment. */
const substitute = (value: string) =>
  String(value).replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) =>
    name === 'OPS_TOKEN' ? 'o'.repeat(24) : 's'.repeat(48),
  );

describe('deployment files, statically (npm run test:images builds and runs them)', () => {
  for (const [name, load] of Object.entries(LOADERS)) {
    it(`when compose starts ${name}, then its environment passes the service's own config validation`, () => {
      const env = compose.services[name]?.environment;
      assert.ok(env, `${name} is in docker-compose.yml with an environment`);
      const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(v)]));
      assert.doesNotThrow(() => load(filled), `${name}'s config accepts the compose environment`);
      let required: string[] = [];
      try {
        load({});
      } catch (error) {
        required = [...(error as Error).message.matchAll(/^\s+(\w+): /gm)].map((m) => m[1]!);
      }
      assert.ok(required.length > 3, 'the config names what it requires');
      for (const variable of required) assert.ok(variable in env, `${name} sets ${variable}`);
    });
  }

  it('when compose names queues, the topic and the bucket, then they are the ones resources.ts defines', () => {
    const env = compose.services['export-api']!.environment!;
    const rbEnv = compose.services['report-builder']!.environment!;
    for (const queue of QUEUES) {
      const url = env[queue.env] ?? rbEnv[queue.env];
      assert.ok(url?.endsWith(`/${queue.name}`), `${queue.env} names ${queue.name}`);
      const dlqEnv = queue.env.replace(/_QUEUE_URL$/, '_DLQ_URL');
      const dlq = env[dlqEnv] ?? rbEnv[dlqEnv];
      assert.ok(dlq?.endsWith(`/${queue.name}${DEAD_LETTER_SUFFIX}`), `${dlqEnv}`);
    }
    assert.ok(rbEnv[TOPIC.env]!.endsWith(`:${TOPIC.name}`));
    assert.equal(env[BUCKET.env], BUCKET.name);
  });

  it('when compose runs, then every long-running service has a healthcheck and one-shots are waited for', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.restart === 'no') {
        assert.equal(service.healthcheck?.disable, true, `${name}: a one-shot says so`);
        const waited = Object.values(compose.services).some(
          (s) => s.depends_on?.[name]?.condition === 'service_completed_successfully',
        );
        assert.ok(waited, `${name} is waited for until it completes`);
      } else {
        assert.ok(service.healthcheck?.test, `${name} has a healthcheck`);
      }
    }
  });

  it('when the workers are scaled, then nothing pins them to one container', () => {
    for (const name of ['report-builder', 'renderer']) {
      const service = compose.services[name]!;
      assert.equal(service.container_name, undefined, `${name} has no fixed name`);
      assert.equal(service.ports, undefined, `${name} publishes no host port`);
    }
  });

  it('when images are built, then every target compose asks for exists and every copied path is there', () => {
    const targets = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]));
    for (const service of Object.values(compose.services)) {
      if (service.build) assert.ok(targets.has(service.build.target), service.build.target);
    }
    const copies = [...dockerfile.matchAll(/^COPY (.+)$/gm)].map((m) => m[1]!.split(/\s+/));
    assert.ok(copies.length > 10);
    for (const parts of copies) {
      const args = parts.filter((p) => !p.startsWith('--'));
      const sources = args.slice(0, -1);
      const fromBuild = parts.some((p) => p === '--from=build');
      for (const source of sources) {
        // From the build stage: the repository's files plus what `npm run build` writes.
        const path = fromBuild ? source.replace(/^\/app\//, '') : source;
        if (parts.some((p) => p.startsWith('--from=') && !fromBuild)) continue; // node_modules of a deps stage
        assert.ok(existsSync(join(root, path)), `COPY source ${path} exists`);
      }
    }
    for (const [, main] of dockerfile.matchAll(/"(services\/[\w-]+\/dist\/main\.js)"/g)) {
      assert.ok(existsSync(join(root, main!)), `${main} is what npm run build writes`);
    }
  });

  it('when the local system starts a service, then it runs the command line of its image, V8 budget included', () => {
    for (const name of SERVICES) {
      const argv = serviceCommand(root, name);
      assert.equal(argv.at(-1), `services/${name}/dist/main.js`);
      assert.ok(argv.includes('--enable-source-maps'), name);
    }
    assert.deepEqual(serviceCommand(root, 'renderer').slice(0, 2), [
      '--max-semi-space-size=4',
      '--max-old-space-size=160',
    ]);
    assert.deepEqual(serviceCommand(root, 'report-builder').slice(0, 3), [
      '--no-allocation-site-pretenuring',
      '--max-semi-space-size=8',
      '--max-old-space-size=96',
    ]);
  });

  it('when the local system starts a service, then it sets the allocator as its image does, and nothing else of the image', () => {
    assert.deepEqual(serviceAllocatorEnv(root, 'report-builder'), {
      MALLOC_ARENA_MAX: '2',
      DUCKDB_JE_MALLOC_CONF: 'muzzy_decay_ms:0,narenas:1',
    });
    assert.deepEqual(serviceAllocatorEnv(root, 'export-api'), {});
  });
});
