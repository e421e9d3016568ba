import type { PlanName, SubscriptionStatus, WorkspaceBranding } from '@wevion/shared';

export { PLAN_NAMES, type PlanName, type SubscriptionStatus } from '@wevion/shared';

export interface Plan {
  label: string;
  /** Exports a workspace may start per calendar month (UTC); `null` for unlimited. */
  exports_per_month: number | null;
  scheduled_exports: number;
  custom_branding: boolean;
}

export const PLANS: Readonly<Record<PlanName, Plan>> = {
  starter: {
    label: 'Starter',
    exports_per_month: 20,
    scheduled_exports: 0,
    custom_branding: false,
  },
  pro: { label: 'Pro', exports_per_month: 200, scheduled_exports: 10, custom_branding: true },
  agency: {
    label: 'Agency',
    exports_per_month: null,
    scheduled_exports: 100,
    custom_branding: true,
  },
};

export interface Workspace {
  workspace_id: string;
  name: string;
  /** Default time zone of its reports. */
  timezone: string;
  /** Reporting currency (ISO 4217), the default of its reports; EUR when it was never set. */
  currency?: string;
  subscription_status: SubscriptionStatus;
  plan: PlanName;
  branding: WorkspaceBranding | null;
  /** Per-workspace feature switches; a missing key follows the global flag. */
  features: { cross_channel_analytics?: boolean };
}

export function hasActiveSubscription(workspace: Workspace): boolean {
  return workspace.subscription_status === 'active' || workspace.subscription_status === 'trialing';
}

export function crossChannelEnabled(workspace: Workspace, globalFlag: boolean): boolean {
  return workspace.features.cross_channel_analytics ?? globalFlag;
}

/** First instant of the current calendar month, UTC: the quota window. */
export function monthStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}
