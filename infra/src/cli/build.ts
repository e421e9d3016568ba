/**
 * npm run build: each service's composition root bundled into `services/<name>/dist/main.js`
 * with esbuild. The project's own TypeScript (the service and `@wevion/shared`) is compiled in;
 * npm packages stay external and load from node_modules. Production processes and `npm start`
 * run this JavaScript, so none of them compiles TypeScript when it starts.
 */
import { build } from 'esbuild';
import { SERVICES } from '../services.ts';

const root = new URL('../../../', import.meta.url).pathname;

await Promise.all(
  SERVICES.map((service) =>
    build({
      absWorkingDir: root,
      entryPoints: [`services/${service}/src/main.ts`],
      outfile: `services/${service}/dist/main.js`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      alias: { '@wevion/shared': './shared/src/index.ts' },
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
);
console.log(`built ${SERVICES.map((s) => `services/${s}/dist/main.js`).join(', ')}`);
