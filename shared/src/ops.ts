import type Koa from 'koa';
import type { Registry } from 'prom-client';

export interface Readiness {
  /** Each named check resolves when its dependency answers, and throws when it does not. */
  checks: Record<string, () => Promise<unknown>>;
}

/**
 * /healthz (the process is up), /readyz (its own dependencies answer) and /metrics
 * (Prometheus text). Mounted by every service, on its API port or an ops port.
 */
export function opsMiddleware(registry: Registry, readiness: Readiness): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET') return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
    } else if (ctx.path === '/readyz') {
      const results = await Promise.all(
        Object.entries(readiness.checks).map(async ([name, check]) => {
          try {
            await check();
            return [name, 'ok'] as const;
          } catch (error) {
            return [name, `failing: ${(error as Error).message}`] as const;
          }
        }),
      );
      const ready = results.every(([, state]) => state === 'ok');
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) };
    } else if (ctx.path === '/metrics') {
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    } else {
      return next();
    }
  };
}

/** A small HTTP server for the ops endpoints of services without a public API of their own. */
export async function startOpsServer(
  port: number,
  host: string,
  registry: Registry,
  readiness: Readiness,
  /** Internal endpoints the service also serves on this port (report-builder's summary). */
  extra?: Koa.Middleware,
): Promise<{ port: number; close(): Promise<void> }> {
  const { default: KoaApp } = await import('koa');
  const app = new KoaApp();
  app.use(opsMiddleware(registry, readiness));
  if (extra) app.use(extra);
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(port, host, () => resolve(s));
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
