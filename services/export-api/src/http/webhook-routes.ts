import Router from '@koa/router';
import { toValidationError } from '@wevion/shared';
import Joi from 'joi';
import type { User } from '../domain/user.ts';
import type { WebhookAdmin } from '../webhooks/webhook-admin.ts';

const createBody = Joi.object({ url: Joi.string().max(2048).required() });

/** /api/v1/workspaces/current/webhooks: create, list, delete, rotate the secret, the log. */
export function webhookRoutes(webhooks: WebhookAdmin): Router {
  const router = new Router({ prefix: '/api/v1/workspaces/current/webhooks' });
  router.post('/', async (ctx) => {
    const { value, error } = createBody.validate(ctx.request.body ?? {}, {
      abortEarly: false,
      convert: false,
    });
    if (error) throw toValidationError(error);
    // The answer shows the secret, once: no cache may keep it.
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = await webhooks.register(ctx.state.user as User, value.url as string);
  });
  router.get('/', async (ctx) => {
    ctx.body = await webhooks.list(ctx.state.user as User);
  });
  router.delete('/:webhook_id', async (ctx) => {
    await webhooks.remove(ctx.state.user as User, ctx.params.webhook_id!);
    ctx.status = 204;
  });
  router.post('/:webhook_id/rotate-secret', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await webhooks.rotateSecret(ctx.state.user as User, ctx.params.webhook_id!);
  });
  router.get('/:webhook_id/deliveries', async (ctx) => {
    ctx.body = await webhooks.deliveries(ctx.state.user as User, ctx.params.webhook_id!);
  });
  return router;
}
