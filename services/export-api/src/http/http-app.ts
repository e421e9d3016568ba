import { answerNotFound, AppError, renderErrors, type Logger } from '@wevion/shared';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import type { BrandingService } from '../branding-service.ts';
import type { ExportApiConfig } from '../config.ts';
import type { ExportRequests } from '../export-requests.ts';
import type { ScheduleAdmin } from '../schedules/schedule-admin.ts';
import type { WebhookAdmin } from '../webhooks/webhook-admin.ts';
import type { WorkspaceAccess } from '../workspace-access.ts';
import { apiDocs } from './api-docs.ts';
import { authenticate } from './auth.ts';
import { brandingRoutes } from './branding-routes.ts';
import { exportRoutes } from './routes.ts';
import { summaryRoute } from './summary-route.ts';
import { webApp } from './web-app.ts';
import { scheduleRoutes } from './schedule-routes.ts';
import { webhookRoutes } from './webhook-routes.ts';
import { workspaceRoutes } from './workspace-routes.ts';

/** The public API's JSON body limit (koa-body's `jsonLimit`), named in its 413 answer. */
const JSON_BODY_LIMIT = '64kb';

export interface HttpAppDeps {
  requests: ExportRequests;
  access: Pick<WorkspaceAccess, 'crossChannel'>;
  webhooks: WebhookAdmin;
  schedules: ScheduleAdmin;
  branding: BrandingService;
  currencies: readonly string[];
  logger: Logger;
  /** Where the built /analytics page lives (`services/export-api/web/`). */
  webDir?: string;
}

/**
 * The public HTTP surface, in the order a request meets it: errors rendered, the page and the
 * API reference (public), the token, then the routes; anything else is a 404 in the error shape.
 */
export function createHttpApp(config: Readonly<ExportApiConfig>, deps: HttpAppDeps): Koa {
  const koa = new Koa();
  koa.proxy = true;
  koa.use(renderErrors(deps.logger, { jsonLimit: JSON_BODY_LIMIT }));
  koa.use(
    webApp({
      ...(config.DEV_SESSION_TOKEN ? { devSessionToken: config.DEV_SESSION_TOKEN } : {}),
      ...(deps.webDir ? { webDir: deps.webDir } : {}),
    }),
  );
  koa.use(apiDocs());
  koa.use(
    authenticate(
      [config.JWT_SECRET, ...(config.JWT_SECRET_PREVIOUS ? [config.JWT_SECRET_PREVIOUS] : [])],
      { maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS },
    ),
  );
  const methodNotAllowed = () =>
    new AppError('method_not_allowed', 'This method is not allowed here.', { status: 405 });
  const mount = (router: ReturnType<typeof exportRoutes>) => {
    koa.use(router.routes());
    koa.use(router.allowedMethods({ throw: true, methodNotAllowed }));
  };
  // Branding takes multipart uploads; every other route takes small JSON bodies.
  mount(brandingRoutes(deps.branding));
  koa.use(
    koaBody({
      json: true,
      jsonLimit: JSON_BODY_LIMIT,
      multipart: false,
      urlencoded: false,
      text: false,
    }),
  );
  mount(
    summaryRoute(
      deps.requests,
      deps.currencies,
      config.REPORT_BUILDER_URL,
      config.INTERNAL_TOKEN_SECRET,
    ),
  );
  mount(exportRoutes(deps.requests, deps.currencies));
  mount(workspaceRoutes(deps.requests));
  mount(webhookRoutes(deps.webhooks));
  mount(scheduleRoutes(deps.schedules, deps.currencies));
  koa.use(answerNotFound);
  return koa;
}
