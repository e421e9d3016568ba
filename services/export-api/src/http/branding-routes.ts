import Router from '@koa/router';
import { ValidationError } from '@wevion/shared';
import { koaBody } from 'koa-body';
import { readFile } from 'node:fs/promises';
import { MAX_LOGO_BYTES } from '@wevion/shared';
import type { BrandingService } from '../branding-service.ts';
import type { User } from '../domain/user.ts';

/** GET/PUT /api/v1/workspaces/current/branding (multipart: logo file, primary_color, secondary_color). */
export function brandingRoutes(service: BrandingService): Router {
  const router = new Router({ prefix: '/api/v1/workspaces/current/branding' });
  const multipart = koaBody({
    multipart: true,
    json: false,
    urlencoded: false,
    formidable: { maxFiles: 1, maxFileSize: MAX_LOGO_BYTES, allowEmptyFiles: false },
    onError: (error) => {
      throw new ValidationError(
        'invalid_upload',
        `The upload was refused: ${error.message}`,
        'logo',
      );
    },
  });

  router.get('/', async (ctx) => {
    ctx.body = await service.get(ctx.state.user as User);
  });

  router.put('/', multipart, async (ctx) => {
    const fields = (ctx.request.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(fields).find(
      (k) => !['primary_color', 'secondary_color'].includes(k),
    );
    if (unknown) throw new ValidationError('unknown_field', `"${unknown}" is not allowed`, unknown);
    const files = ctx.request.files ?? {};
    const strayFile = Object.keys(files).find((k) => k !== 'logo');
    if (strayFile)
      throw new ValidationError(
        'unknown_field',
        `"${strayFile}" is not allowed; send the file as "logo"`,
        strayFile,
      );
    const file = files.logo;
    const logo = file
      ? await readFile((Array.isArray(file) ? file[0]! : file).filepath)
      : undefined;
    const text = (name: string) =>
      typeof fields[name] === 'string' ? (fields[name] as string) : undefined;
    const branding = await service.update(ctx.state.user as User, {
      ...(text('primary_color') !== undefined ? { primary_color: text('primary_color') } : {}),
      ...(text('secondary_color') !== undefined
        ? { secondary_color: text('secondary_color') }
        : {}),
      ...(logo ? { logo } : {}),
    });
    ctx.body = { branding };
  });

  return router;
}
