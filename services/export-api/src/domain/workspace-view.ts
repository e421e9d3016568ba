import type { ExportBlocker, Quota, WorkspaceView } from '@wevion/shared';
import { canExport, type User } from './user.ts';
import { hasActiveSubscription, monthStart, PLANS, type Workspace } from './workspace.ts';

export type { ExportBlocker, Quota, WorkspaceView };

/** The reporting currency of a workspace stored before workspaces had one. */
export const DEFAULT_WORKSPACE_CURRENCY = 'EUR';

export function exportBlocker(user: User, workspace: Workspace): ExportBlocker | null {
  if (!canExport(user))
    return {
      reason: 'insufficient_role',
      message: 'Viewers cannot export; ask an admin or media buyer.',
    };
  if (!hasActiveSubscription(workspace))
    return {
      reason: 'subscription_required',
      message: 'Exports need an active subscription. Check your plan at /settings/team/billing.',
    };
  return null;
}

export function quotaOf(workspace: Workspace, used: number, now: Date): Quota {
  const limit = PLANS[workspace.plan].exports_per_month;
  const start = new Date(monthStart(now));
  return {
    limit,
    used,
    remaining: limit === null ? null : Math.max(0, limit - used),
    resets_at: new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString(),
  };
}

export function workspaceView(
  workspace: Workspace,
  user: User,
  used: number,
  now: Date,
  currencies: readonly string[],
): WorkspaceView {
  const plan = PLANS[workspace.plan];
  const blocker = exportBlocker(user, workspace);
  return {
    workspace_id: workspace.workspace_id,
    name: workspace.name,
    timezone: workspace.timezone,
    currency: workspace.currency ?? DEFAULT_WORKSPACE_CURRENCY,
    currencies,
    plan: { name: workspace.plan, label: plan.label, exports_per_month: plan.exports_per_month },
    subscription: {
      status: workspace.subscription_status,
      active: hasActiveSubscription(workspace),
    },
    quota: quotaOf(workspace, used, now),
    features: {
      custom_branding: plan.custom_branding,
      scheduled_exports: plan.scheduled_exports,
    },
    branding: workspace.branding && {
      primary_color: workspace.branding.primary_color,
      secondary_color: workspace.branding.secondary_color,
    },
    user: {
      user_id: user.user_id,
      role: user.role,
      can_export: blocker === null,
      export_blocked: blocker,
    },
  };
}
