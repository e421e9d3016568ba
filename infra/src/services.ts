import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The three services, by their folder under `services/`. */
export const SERVICES = ['export-api', 'report-builder', 'renderer'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The text of a service's stage in the Dockerfile, up to the next `FROM`. */
function stageOf(root: string, name: ServiceName): string | undefined {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  return new RegExp(`^FROM \\S+ AS ${name}$([\\s\\S]*?)(?=^FROM |(?![\\s\\S]))`, 'm').exec(
    dockerfile,
  )?.[1];
}

/**
 * The command line a service's image runs: the exec-form `CMD` of its Dockerfile stage. The local
 * system and the benchmarks start each process with it, so the V8 flags measured here are the
 * ones deployed.
 */
export function serviceCommand(root: string, name: ServiceName): string[] {
  const stage = stageOf(root, name);
  // The stage's own CMD starts a line; a HEALTHCHECK's CMD continues an indented one.
  const cmd = stage && /^CMD (\[.*\])$/m.exec(stage)?.[1];
  if (!cmd) throw new Error(`Dockerfile: no stage "${name}" with an exec-form CMD`);
  const argv = JSON.parse(cmd) as string[];
  if (argv[0] !== 'node' || argv.at(-1) !== `services/${name}/dist/main.js`)
    throw new Error(`Dockerfile: the ${name} stage's CMD does not run node on its main.js`);
  return argv.slice(1);
}

/**
 * The C allocators' settings a service's image sets (`ENV MALLOC_…=…` for glibc's,
 * `DUCKDB_JE_MALLOC_CONF=…` for DuckDB's jemalloc, in its stage): they shape its memory as much
 * as the V8 flags do, so the local system starts it with them too. The stage's other variables
 * (ports, hosts) are the image's own business.
 */
export function serviceAllocatorEnv(root: string, name: ServiceName): Record<string, string> {
  const pairs = [...(stageOf(root, name) ?? '').matchAll(/^ENV (.+)$/gm)].flatMap(([, line]) =>
    line!.trim().split(/\s+/),
  );
  return Object.fromEntries(
    pairs
      .filter((pair) => /^(MALLOC_|DUCKDB_JE_MALLOC_CONF=)/.test(pair))
      .map((pair) => pair.split('=', 2)),
  );
}
