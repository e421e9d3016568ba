import { ValidationError } from '@wevion/shared';

/** Keyset cursor for list pages: the (created_at, id) of the last item shown. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

/** The (created_at, id) a cursor names; a 400 naming `cursor` when this API did not write it. */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string'))
      return value as [string, string];
  } catch {
    // Not base64url JSON: answered below like any other foreign cursor.
  }
  throw new ValidationError(
    'invalid_cursor',
    '"cursor" is not a cursor this API returned',
    'cursor',
  );
}
