/**
 * `npm start`, before any TypeScript: bundles the launcher (infra/src/cli/start.ts) with esbuild
 * and runs the bundle with plain Node. Through a TypeScript loader the launcher took about 1.4 s
 * to load, because every import (the AWS SDK, the emulators) went through the loader's hooks;
 * bundled it takes a fraction of that. The launcher then builds and starts the services.
 */
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import process from 'node:process';
import { URL } from 'node:url';

process.setSourceMapsEnabled(true);
const root = new URL('../', import.meta.url).pathname;
// Chunk names carry content hashes: clear the old ones rather than collect them.
await rm(new URL('dist/', import.meta.url), { recursive: true, force: true });
// The options of nodeBundle() in src/build-services.ts, repeated: this file runs before any
// TypeScript can be imported.
await build({
  absWorkingDir: root,
  entryPoints: { start: 'infra/src/cli/start.ts' },
  // The same depth as the source (infra/src/cli), so its relative URLs hold.
  outdir: 'infra/dist/cli',
  bundle: true,
  // The demo stores' modules load only when needed (see local-system.ts): keep them apart.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // The bare name is the package's index; a subpath is a file of it.
  alias: { '@wevion/shared': './shared/src' },
  sourcemap: true,
  logLevel: 'warning',
});
await import('./dist/cli/start.js');
