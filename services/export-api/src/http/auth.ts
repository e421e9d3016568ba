import { AppError } from '@wevion/shared';
import { jwtVerify } from 'jose';
import type Koa from 'koa';
import { ROLES, type Role, type User } from '../domain/user.ts';

/** The longest display name taken from a token. */
const MAX_NAME_LENGTH = 100;

/** Clocks of the token issuer and this service may disagree by this much. */
const CLOCK_TOLERANCE_SECONDS = 30;

const unauthenticated = (message: string) =>
  new AppError('unauthenticated', message, { status: 401 });

/**
 * Bearer JWT from the platform (HS256, shared secret): `sub`, `workspace_id`, `role`, and `iat`
 * and `exp` no further apart than `maxLifetimeSeconds`, so no token is valid forever. An `iat`
 * in the future is refused too. Anything missing or wrong is a 401 that says what was wrong,
 * never which secret.
 */
export function authenticate(
  /** The current secret first; during a rotation the previous one too (tokens it signed stay valid). */
  secrets: readonly string[],
  options: { maxLifetimeSeconds: number },
): Koa.Middleware {
  const keys = secrets.map((secret) => new TextEncoder().encode(secret));
  const verify = async (token: string) => {
    for (const [i, key] of keys.entries()) {
      try {
        return await jwtVerify(token, key, {
          algorithms: ['HS256'],
          requiredClaims: ['exp', 'iat', 'sub'],
          // Also refuses an iat in the future.
          maxTokenAge: options.maxLifetimeSeconds,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
      } catch (error) {
        const wrongKey =
          (error as { code?: string }).code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
        if (!wrongKey || i === keys.length - 1) throw error;
      }
    }
    throw new Error('no key to verify with');
  };
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) throw unauthenticated('Send an "Authorization: Bearer <token>" header.');
    let payload;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      const { code, claim } = error as { code?: string; claim?: string };
      throw unauthenticated(
        code === 'ERR_JWT_EXPIRED'
          ? 'The token has expired.'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim
            ? `The token's "${claim}" claim is missing or not acceptable.`
            : 'The token is not valid.',
      );
    }
    const {
      sub,
      workspace_id: workspaceId,
      role,
      iat,
      exp,
      name,
    } = payload as Record<string, unknown>;
    if ((exp as number) - (iat as number) > options.maxLifetimeSeconds) {
      throw unauthenticated(
        `The token is valid for longer than ${options.maxLifetimeSeconds} seconds; ask for a shorter-lived one.`,
      );
    }
    if (
      typeof sub !== 'string' ||
      !sub.trim() ||
      typeof workspaceId !== 'string' ||
      !workspaceId ||
      !ROLES.includes(role as Role)
    ) {
      throw unauthenticated('The token lacks sub, workspace_id or a known role.');
    }
    // A name is a nicety for lists: kept when it is short text, ignored otherwise.
    const displayName =
      typeof name === 'string' && name.trim() && name.length <= MAX_NAME_LENGTH
        ? name.trim()
        : undefined;
    ctx.state.user = {
      user_id: sub,
      workspace_id: workspaceId,
      role: role as Role,
      ...(displayName ? { name: displayName } : {}),
    } satisfies User;
    await next();
  };
}
