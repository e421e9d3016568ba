import type { JobView } from '@wevion/shared/api-contract.ts';

export type { JobView };

/** The export API from the browser: bearer token, JSON, errors as thrown ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason?: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * The platform shell puts the user's JWT in sessionStorage; in local mode the API hands out the
 * demo workspace's token. Nothing else is stored.
 */
async function token(): Promise<string> {
  const fromShell = sessionStorage.getItem('wevion.token');
  if (fromShell) return fromShell;
  const response = await fetch('/analytics/session');
  if (!response.ok) throw new ApiError(401, 'unauthenticated', 'You are not signed in.');
  const { token: local } = (await response.json()) as { token: string };
  sessionStorage.setItem('wevion.token', local);
  return local;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: {
      authorization: `Bearer ${await token()}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string; field?: string };
    reason?: string;
  };
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body.error?.code ?? 'error',
      body.error?.message ?? `Request failed (${response.status})`,
      body.reason,
      body.error?.field,
    );
  }
  return body as T;
}
