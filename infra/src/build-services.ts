import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SERVICES } from './services.ts';

/** What every bundle shares, the browser page's and Node's. */
function bundleBase(root: string) {
  return {
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    sourcemap: true,
    logLevel: 'warning',
  } as const;
}

/**
 * How this project bundles code for Node (the services, and the benchmarks' cold-start
 * processes): our TypeScript and `@wevion/shared` compiled in, npm packages left to node_modules.
 */
export function nodeBundle(root: string) {
  return {
    ...bundleBase(root),
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The bare name is the package's index; a subpath is a file of it.
    alias: { '@wevion/shared': './shared/src' },
  } as const;
}

/**
 * Each service's composition root bundled into `services/<name>/dist/main.js` with esbuild, and
 * the /analytics page into `services/export-api/web/dist/app.js`. The project's own TypeScript
 * (the service and `@wevion/shared`) is compiled in; npm packages stay external and load from
 * node_modules. Production processes and `npm start` run this JavaScript, so none of them
 * compiles TypeScript when it starts. In-process, so `npm start` pays no extra process for it.
 */
export async function buildServices(root: string): Promise<string[]> {
  const common = bundleBase(root);
  const page = build({
    ...common,
    entryPoints: ['services/export-api/web/src/main.ts'],
    outfile: 'services/export-api/web/dist/app.js',
    minify: true,
    target: 'es2022',
  });
  const services = SERVICES.map(async (service) => {
    const outdir = join(root, `services/${service}/dist`);
    // Chunks carry content hashes: without this, every change would leave one more behind.
    await rm(join(outdir, 'chunks'), { recursive: true, force: true });
    await build({
      ...nodeBundle(root),
      entryPoints: { main: `services/${service}/src/main.ts` },
      outdir,
      // Modules main.ts imports dynamically (the store it was not configured for) become
      // chunks, so their npm packages are not loaded at start either.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    });
  });
  await Promise.all([page, ...services]);
  return [
    'services/export-api/web/dist/app.js',
    ...SERVICES.map((s) => `services/${s}/dist/main.js`),
  ];
}
