/** The public API's JSON body limit (koa-body's `jsonLimit`), named in its 413 answer. */
export const JSON_BODY_LIMIT = '64kb';
