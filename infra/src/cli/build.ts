/** npm run build: the three services and the /analytics page, bundled (see build-services.ts). */
import { buildServices } from '../build-services.ts';

console.log(
  `built ${(await buildServices(new URL('../../../', import.meta.url).pathname)).join(', ')}`,
);
