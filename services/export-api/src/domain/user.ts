import type { Role } from '@wevion/shared';

export { ROLES, type Role } from '@wevion/shared';

/** The caller, from the platform's JWT. */
export interface User {
  user_id: string;
  workspace_id: string;
  role: Role;
  /** A display name, where the platform's token carries one (`name`). */
  name?: string;
}

export function canExport(user: User): boolean {
  return user.role === 'admin' || user.role === 'mediabuyer';
}
