import { canExport, type Role, type User } from './user.ts';
import {
  hasActiveSubscription,
  monthStart,
  PLANS,
  type PlanName,
  type SubscriptionStatus,
  type Workspace,
} from './workspace.ts';

/** The reporting currency of a workspace stored before workspaces had one. */
export const DEFAULT_WORKSPACE_CURRENCY = 'EUR';

/** Why the caller cannot start an export, in the order users meet the gates; null if they can. */
export interface ExportBlocker {
  reason: 'insufficient_role' | 'subscription_required';
  message: string;
}

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

/** The monthly export quota: what the plan allows, what is used, when it renews. */
export interface Quota {
  /** Exports a month; null when the plan has no limit. */
  limit: number | null;
  used: number;
  remaining: number | null;
  /** First instant of next month, UTC. */
  resets_at: string;
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

/** GET /api/v1/workspaces/current: what a page or a script needs to know before it asks. */
export interface WorkspaceView {
  workspace_id: string;
  name: string;
  timezone: string;
  currency: string;
  /** The currencies a report can be made in (those with exchange rates), for the page's picker. */
  currencies: readonly string[];
  plan: { name: PlanName; label: string; exports_per_month: number | null };
  subscription: { status: SubscriptionStatus; active: boolean };
  quota: Quota;
  features: { custom_branding: boolean; scheduled_exports: number };
  /** The report colours, so a page draws its charts as the PDF will; null for the default. */
  branding: { primary_color: string | null; secondary_color: string | null } | null;
  user: { user_id: string; role: Role; can_export: boolean; export_blocked: ExportBlocker | null };
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
