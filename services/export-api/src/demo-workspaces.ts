import { addDays, DEFAULT_CSV_LAYOUT, todayIn } from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import type { Job } from './domain/job.ts';
import { PLANS, type Workspace } from './domain/workspace.ts';

/**
 * Local demo workspaces, one per gate a user can meet. Their ids match the demo insights
 * (`npm run seed`), so exports find data.
 */
export const DEMO_WORKSPACES: readonly Workspace[] = [
  {
    workspace_id: 'ws_acme',
    name: 'Acme Outdoor GmbH',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    subscription_status: 'active',
    plan: 'pro',
    branding: { logo_key: null, primary_color: '#0B5FFF', secondary_color: '#14B8A6' },
    features: {},
  },
  {
    workspace_id: 'ws_nova',
    name: 'Nova Retail Inc.',
    timezone: 'America/New_York',
    currency: 'USD',
    subscription_status: 'none',
    plan: 'pro',
    branding: null,
    features: {},
  },
  {
    workspace_id: 'ws_kumo',
    name: 'Kumo Studio 株式会社',
    timezone: 'Asia/Tokyo',
    currency: 'JPY',
    subscription_status: 'active',
    plan: 'starter',
    branding: null,
    features: {},
  },
  {
    workspace_id: 'ws_lotus',
    name: 'Lotus Wellness Pvt Ltd',
    timezone: 'Asia/Kolkata',
    currency: 'INR',
    subscription_status: 'active',
    plan: 'agency',
    branding: null,
    features: { cross_channel_analytics: false },
  },
];

const KUMO_TIMEZONE = 'Asia/Tokyo';

const KUMO_COLLEAGUES = [
  { requested_by: 'user_aiko', requested_by_name: 'Aiko Tanaka' },
  { requested_by: 'user_kenji', requested_by_name: 'Kenji Sato' },
];

/**
 * Kumo's earlier exports this month, so its next export is its last one. They are requests, not
 * results: each is PENDING with its own past request time, and export-api's reconciler sends it
 * through the pipeline like any lost job, so every seeded report has a real file to download.
 * Each exported the week before the day it was asked for.
 */
export function kumoHistory(now: Date): Job[] {
  const used = PLANS.starter.exports_per_month! - 1;
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  return Array.from({ length: used }, (_, i) => {
    const at = new Date(monthStart + ((now.getTime() - monthStart) * i) / used).toISOString();
    const asked = todayIn(KUMO_TIMEZONE, new Date(at));
    const format: Job['format'] = i % 3 === 0 ? 'PDF' : 'CSV';
    return {
      job_id: randomUUID(),
      workspace_id: 'ws_kumo',
      // Colleagues of the demo user, named as the platform's tokens name them.
      ...KUMO_COLLEAGUES[i % KUMO_COLLEAGUES.length]!,
      status: 'PENDING',
      format,
      params: {
        since: addDays(asked, -7),
        until: addDays(asked, -1),
        platforms: ['meta', 'google'],
        target_currency: 'JPY',
        timezone: KUMO_TIMEZONE,
        compare_previous: true,
        csv_bom: false,
        ...(format === 'CSV' ? DEFAULT_CSV_LAYOUT : {}),
      },
      progress: { stage: 'queued', percent: 0 },
      file: null,
      error: null,
      created_at: at,
      started_at: null,
      completed_at: null,
      updated_at: at,
      enqueue_attempts: 0,
      last_enqueued_at: null,
      warnings: [],
    };
  });
}
