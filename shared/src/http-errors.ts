import type Koa from 'koa';
import { AppError, ValidationError } from './errors.ts';
import type { Logger } from './logger.ts';

/**
 * Every HTTP surface answers errors through here (the public API, the internal summary, the ops
 * port): `{error: {code, message, field?, details?}}` plus the error's own extra fields (a gate's
 * `reason`, a finished job's `status`). Unexpected errors are logged and answered 500 without
 * internals.
 */
export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string; field?: string; details?: unknown } };
  /** Not an error the client caused or can read: it is logged as a failure. */
  unexpected: boolean;
}

/** A body parser's refusal (koa-body), in the API's words. */
function bodyParserError(
  error: Error & { type?: string },
  jsonLimit: string | undefined,
): { code: string; message: string } {
  switch (error.type) {
    case 'entity.too.large':
      return {
        code: 'body_too_large',
        message: `The request body is over the limit${jsonLimit ? ` (${jsonLimit} of JSON)` : ''}; send a smaller one.`,
      };
    case 'entity.parse.failed':
      return { code: 'invalid_json', message: 'The request body is not valid JSON.' };
    default:
      return { code: 'bad_request', message: error.message };
  }
}

export interface ErrorResponseOptions {
  /** The surface's JSON body limit, named in its 413 answer. */
  jsonLimit?: string;
  /** What a 500 says instead of the generic sentence. */
  internalMessage?: string;
}

export function errorResponse(error: unknown, options: ErrorResponseOptions = {}): ErrorResponse {
  if (error instanceof AppError && error.expose) {
    return {
      status: error.status,
      unexpected: false,
      body: {
        ...error.extra,
        error: {
          code: error.code,
          message: error.message,
          ...(error.field ? { field: error.field } : {}),
          ...(error instanceof ValidationError ? { details: error.details } : {}),
        },
      },
    };
  }
  // A 4xx from a library (the body parser); an internal AppError's status is never answered.
  const status = (error as { status?: number }).status;
  if (!(error instanceof AppError) && status && status >= 400 && status < 500) {
    return {
      status,
      unexpected: false,
      body: { error: bodyParserError(error as Error, options.jsonLimit) },
    };
  }
  return {
    status: 500,
    unexpected: true,
    body: {
      error: {
        code: 'internal_error',
        message: options.internalMessage ?? 'Something went wrong on our side; please try again.',
      },
    },
  };
}

/** Koa middleware: every error thrown below it becomes an `errorResponse`. */
export function renderErrors(logger: Logger, options: ErrorResponseOptions = {}): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, body, unexpected } = errorResponse(error, options);
      if (unexpected)
        logger.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.body = body;
    }
  };
}

/**
 * The last middleware of a surface: where nothing is served, a 404 in the `{error}` shape. Set,
 * not thrown, so routers' `allowedMethods` above can still turn a known path into a 405.
 */
export const answerNotFound: Koa.Middleware = (ctx) => {
  const error = new AppError('not_found', `Nothing at ${ctx.method} ${ctx.path}.`, { status: 404 });
  const { status, body } = errorResponse(error);
  ctx.status = status;
  ctx.body = body;
};
