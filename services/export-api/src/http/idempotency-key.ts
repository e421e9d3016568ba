import { ValidationError } from '@wevion/shared';
import { createHash } from 'node:crypto';

/**
 * Printable ASCII, spaces included, as Stripe takes keys: a UUID or any id a client already has
 * for the request. (HTTP trims the value's ends, so a key never starts or ends with a space.)
 */
const KEY = /^[\x20-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, if sent: 1 to 255 printable ASCII characters. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw new ValidationError(
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID works)',
      'Idempotency-Key',
    );
  }
  return header;
}

/** JSON with keys sorted at every level: one request, one text, whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What "the same request" means for a key: the body as sent, key order aside. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}
