import { paths, webhooks } from './openapi/paths.ts';
import { schemas } from './openapi/schemas.ts';

/**
 * The public API as OpenAPI 3.1: served at /api/v1/openapi.json, rendered at /api/docs, and
 * checked against every response the API tests receive, so it cannot drift from the code.
 * Enumerations and limits come from the same constants the validators use (`@wevion/shared`'s
 * api-contract); schemas, building blocks and paths live in `openapi/`.
 */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Wevion cross-channel analytics export API',
    version: '1.0.0',
    description:
      'Export cross-channel ad analytics as CSV or branded PDF through asynchronous jobs: POST a request (202 and a job id), poll the job, download from its signed URL. Every endpoint takes a platform JWT as a bearer token.',
    license: { name: 'Proprietary: for Wevion customers', identifier: 'LicenseRef-Wevion' },
  },
  servers: [{ url: '/' }],
  security: [{ bearerAuth: [] }],
  paths,
  webhooks,
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas,
  },
} as const;
