import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Koa from 'koa';

/** The page's files beside this module's package, when run from source. */
const SOURCE_WEB_DIR = new URL('../../web/', import.meta.url).pathname;

const ASSETS: Record<string, { file: string; type: string }> = {
  '/analytics': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/analytics/assets/app.js': { file: 'dist/app.js', type: 'text/javascript; charset=utf-8' },
  '/analytics/assets/app.js.map': { file: 'dist/app.js.map', type: 'application/json' },
  '/analytics/assets/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

/**
 * The in-app /analytics page: static files built by `npm run build`, read once at start. In
 * local mode `/analytics/session` hands the page the demo workspace's token; in production it
 * answers 404 and the page uses the platform's JWT.
 */
export function webApp(options: { devSessionToken?: string; webDir?: string }): Koa.Middleware {
  const webDir = options.webDir ?? SOURCE_WEB_DIR;
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(ASSETS)) {
    try {
      files.set(path, { body: readFileSync(join(webDir, file)), type });
    } catch {
      // Not built: the page says how to build it instead of failing.
    }
  }
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith('/analytics')) return next();
    if (ctx.path === '/analytics/session') {
      if (!options.devSessionToken) return next();
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { token: options.devSessionToken };
      return;
    }
    const asset = files.get(ctx.path === '/analytics/' ? '/analytics' : ctx.path);
    if (!asset) {
      if (ctx.path === '/analytics/assets/app.js') {
        ctx.status = 503;
        ctx.body = 'The page is not built: run npm run build';
        return;
      }
      return next();
    }
    ctx.type = asset.type;
    ctx.set(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'self'",
    );
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = asset.body;
  };
}
