import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors.ts';
import { closeServer, listenWithTimeouts } from './http-server.ts';
import { answerNotFound, renderErrors } from './http-errors.ts';

export interface Readiness {
  /** Each named check resolves when its dependency answers, and throws when it does not. */
  checks: Record<string, () => Promise<unknown>>;
}

export interface OpsOptions {
  registry: Registry;
  readiness: Readiness;
  /** Bearer token Prometheus sends for /metrics (its `authorization.credentials`). */
  metricsToken: string;
  logger: Logger;
}

/** Constant-time comparison of a presented bearer token with the expected one. */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * /healthz (the process is up), /readyz (its own dependencies answer; the reasons are logged,
 * not shown) and /metrics (Prometheus text, only with the ops token: it counts every
 * workspace's jobs). Served on each service's ops port, never the public API port.
 */
export function opsMiddleware(options: OpsOptions): Koa.Middleware {
  const { registry, readiness, metricsToken, logger } = options;
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
            logger.warn({ err: error, check: name }, 'readiness check failing');
            return [name, 'failing'] as const;
          }
        }),
      );
      const ready = results.every(([, state]) => state === 'ok');
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) };
    } else if (ctx.path === '/metrics') {
      if (!bearerMatches(ctx.get('authorization'), metricsToken)) {
        ctx.set('WWW-Authenticate', 'Bearer');
        throw new AppError('unauthenticated', 'Send the ops bearer token.', { status: 401 });
      }
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    } else {
      return next();
    }
  };
}

/** The internal endpoints' JSON body limit (report-builder's summary reads 16 KB at most). */
export const OPS_JSON_LIMIT = '16kb';

/** The ops HTTP server of a service: ops endpoints plus any internal ones (`extra`). */
export async function startOpsServer(
  port: number,
  host: string,
  options: OpsOptions,
  /** Internal endpoints the service also serves on this port (report-builder's summary). */
  extra?: Koa.Middleware,
): Promise<{ port: number; close(): Promise<void> }> {
  const { default: KoaApp } = await import('koa');
  const app = new KoaApp();
  app.use(renderErrors(options.logger, { jsonLimit: OPS_JSON_LIMIT }));
  app.use(opsMiddleware(options));
  if (extra) app.use(extra);
  app.use(answerNotFound);
  const server = await listenWithTimeouts(app, port, host);
  return {
    port: (server.address() as { port: number }).port,
    close: () => closeServer(server),
  };
}
