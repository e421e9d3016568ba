import { AppError, ValidationError, type Logger } from '@wevion/shared';
import type Koa from 'koa';
import { GateError } from '../gate-error.ts';
import { JobFinishedError } from '../job-finished-error.ts';

/** The public API's JSON body limit (koa-body's `jsonLimit`). */
export const JSON_BODY_LIMIT = '64kb';

/** What the body parser refuses before a route runs, in the API's own words. */
function clientError(error: Error & { type?: string }): { code: string; message: string } {
  switch (error.type) {
    case 'entity.too.large':
      return {
        code: 'body_too_large',
        message: `The request body is over the limit (${JSON_BODY_LIMIT} of JSON); send a smaller one.`,
      };
    case 'entity.parse.failed':
      return { code: 'invalid_json', message: 'The request body is not valid JSON.' };
    default:
      return { code: 'bad_request', message: error.message };
  }
}

/**
 * The one place errors become responses: `{error: {code, message, field?, details?}}` (details:
 * every invalid field of a 400), plus `reason` for
 * gates. Unexpected errors are logged and answered 500 without internals.
 */
export function renderErrors(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const known = error instanceof AppError && error.expose;
      const status = known ? error.status : ((error as { status?: number }).status ?? 500);
      if (!known && status >= 500) {
        logger.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      }
      ctx.status = status;
      const body: Record<string, unknown> = {
        error: known
          ? {
              code: error.code,
              message: error.message,
              ...(error.field ? { field: error.field } : {}),
              ...(error instanceof ValidationError ? { details: error.details } : {}),
            }
          : status < 500
            ? clientError(error as Error & { type?: string })
            : {
                code: 'internal_error',
                message: 'Something went wrong on our side; please try again.',
              },
      };
      if (error instanceof GateError) body.reason = error.reason;
      if (error instanceof JobFinishedError) body.status = error.jobStatus;
      ctx.body = body;
    }
  };
}
