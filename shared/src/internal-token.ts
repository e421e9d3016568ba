import { jwtVerify, SignJWT } from 'jose';
import { AppError } from './errors.ts';

/**
 * Service-to-service credentials for internal endpoints (report-builder's summary): a JWT that
 * export-api signs per call with a secret only the services share, valid for a minute and only
 * for one audience. The workspace travels in the token, so a caller cannot ask for another
 * workspace's numbers by editing a body. HMAC verification in jose is constant time.
 */
const ISSUER = 'wevion-export-api';
/** The audience of report-builder's /internal/summary. */
export const SUMMARY_AUDIENCE = 'report-builder';
const LIFETIME_SECONDS = 60;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export function signInternalToken(
  secret: string,
  audience: string,
  workspaceId: string,
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject(workspaceId)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(keyOf(secret));
}

/** The workspace the call is for; a 401 AppError when the token is missing, forged or stale. */
export async function verifyInternalToken(
  secret: string,
  audience: string,
  authorization: string | undefined,
): Promise<string> {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  try {
    if (!token) throw new Error('no bearer token');
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience,
      requiredClaims: ['exp', 'sub'],
      maxTokenAge: LIFETIME_SECONDS,
      clockTolerance: 5,
    });
    if (!payload.sub) throw new Error('empty subject');
    return payload.sub;
  } catch (cause) {
    throw new AppError('unauthenticated', 'A valid internal service token is required.', {
      status: 401,
      expose: true,
      cause,
    });
  }
}
