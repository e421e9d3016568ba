import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Koa from 'koa';
import { OPENAPI_DOCUMENT } from './openapi.ts';

/** Redoc's one-file browser build, served from our own package: nothing loads from a CDN. */
const REDOC = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
/**
 * The one address the bundle would load by itself: its "API docs by Redocly" logo. Served with
 * an empty image in its place, so the page never asks another site for anything.
 */
const REDOCLY_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_IMAGE = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E';

/** The bundle as served: read once, on the first visit, with the logo's address replaced. */
function redocBundle(): Buffer {
  const bundle = readFileSync(REDOC, 'utf8');
  if (!bundle.includes(REDOCLY_LOGO))
    throw new Error(`the Redoc bundle no longer names ${REDOCLY_LOGO}: check what it loads`);
  return Buffer.from(bundle.replaceAll(REDOCLY_LOGO, EMPTY_IMAGE));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Wevion export API reference</title>
<style>body { margin: 0; } a[href*="redocly"] { display: none; }</style>
</head>
<body>
<redoc spec-url="/api/v1/openapi.json" hide-download-button="false"></redoc>
<script src="/api/docs/redoc.standalone.js"></script>
</body>
</html>`;

/**
 * The API's contract, public like any API reference (it holds no workspace data): the OpenAPI
 * document, and a readable page of it rendered by Redoc in the browser.
 */
export function apiDocs(): Koa.Middleware {
  const document = JSON.stringify(OPENAPI_DOCUMENT);
  // Read on the first visit, not at start: the bundle is a megabyte few processes ever serve.
  let redoc: Buffer | null = null;
  return async (ctx, next) => {
    if (ctx.method !== 'GET') return next();
    if (ctx.path === '/api/v1/openapi.json') {
      ctx.type = 'application/json';
      ctx.body = document;
    } else if (ctx.path === '/api/docs' || ctx.path === '/api/docs/') {
      ctx.type = 'text/html; charset=utf-8';
      // Redoc styles itself with inline <style> and runs its search in a blob: worker.
      ctx.set(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'self'",
      );
      ctx.body = PAGE;
    } else if (ctx.path === '/api/docs/redoc.standalone.js') {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.body = redoc ??= redocBundle();
    } else {
      return next();
    }
    ctx.set('X-Content-Type-Options', 'nosniff');
  };
}
