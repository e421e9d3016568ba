import { AppError } from '@wevion/shared';
import { jwtVerify } from 'jose';
import type Koa from 'koa';
import { ROLES, type Role, type User } from '../domain/user.ts';

/**
 * Bearer JWT from the platform (HS256, shared secret): `sub`, `workspace_id`, `role`.
 * Anything missing or wrong is a 401 that says what was wrong, never which secret.
 */
export function authenticate(secret: string): Koa.Middleware {
  const key = new TextEncoder().encode(secret);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) {
      throw new AppError('unauthenticated', 'Send an "Authorization: Bearer <token>" header.', {
        status: 401,
      });
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'] }));
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new AppError(
        'unauthenticated',
        expired ? 'The token has expired.' : 'The token is not valid.',
        {
          status: 401,
        },
      );
    }
    const { sub, workspace_id: workspaceId, role } = payload as Record<string, unknown>;
    if (
      typeof sub !== 'string' ||
      typeof workspaceId !== 'string' ||
      !ROLES.includes(role as Role)
    ) {
      throw new AppError('unauthenticated', 'The token lacks sub, workspace_id or a known role.', {
        status: 401,
      });
    }
    ctx.state.user = { user_id: sub, workspace_id: workspaceId, role: role as Role } satisfies User;
    await next();
  };
}
