import { PLATFORMS, type CalendarDate, type Platform } from '@wevion/shared';
import { CAMPAIGN_NAMES } from './campaign-names.ts';
import { DEMO_WORKSPACES, type DemoWorkspace } from './demo-workspaces.ts';
import { PLATFORM_PROFILES } from './platform-profiles.ts';
import { between, pick, seededRandom } from './random.ts';

export interface DemoSize {
  seed: number;
  workspaces: number;
  platforms: number;
  campaignsPerPlatform: number;
  days: number;
  /** Last day with data (UTC); data covers `days` days ending on it. */
  endDate: CalendarDate;
  /** No paused stretches or late starts: every campaign has every hour (benchmark stores). */
  dense: boolean;
  /** No hours at or after this instant (ISO): a store seeded today stops at the current hour. */
  cutoff?: string;
}

/**
 * Everything random about one demo campaign, drawn once in JS; the store expands it into hourly
 * rows with deterministic noise. Money figures are in the account currency.
 */
export interface CampaignPlan {
  workspace_id: string;
  platform: Platform;
  account_id: string;
  campaign_id: string;
  campaign_name: string;
  currency: string;
  /** Decimal places of the currency (JPY 0): spend is rounded to what the platform bills. */
  currency_decimals: number;
  daily_budget: number;
  cpm: number;
  ctr: number;
  cvr: number;
  order_value: number;
  fractional_conversions: boolean;
  /** Hours to shift UTC by so the daily curve peaks at the workspace's local afternoon. */
  utc_shift_hours: number;
  /** Relative budget growth across the whole history (-0.3 … +0.6). */
  growth: number;
  /** Day indexes (0 = first day) of the first hour with data and the pause, if any. */
  start_day: number;
  pause_from_day: number;
  pause_to_day: number;
}

/** Rough value of one USD in each demo currency, so a JPY account bids in yen, not in dollars. */
const USD_IN: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.36,
  JPY: 150,
  INR: 83.5,
  AUD: 1.52,
};

function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits!;
}

function utcShift(timezone: string): number {
  const probe = new Date(Date.UTC(2026, 0, 15, 12));
  const local = new Date(probe.toLocaleString('en-US', { timeZone: timezone, hourCycle: 'h23' }));
  const utc = new Date(probe.toLocaleString('en-US', { timeZone: 'UTC', hourCycle: 'h23' }));
  return Math.round((local.getTime() - utc.getTime()) / 3_600_000);
}

function demoWorkspace(index: number): DemoWorkspace {
  const base = DEMO_WORKSPACES[index % DEMO_WORKSPACES.length]!;
  if (index < DEMO_WORKSPACES.length) return base;
  return { ...base, workspace_id: `${base.workspace_id}_${index}`, name: `${base.name} ${index}` };
}

export function planCampaigns(size: DemoSize): CampaignPlan[] {
  const random = seededRandom(size.seed);
  const plans: CampaignPlan[] = [];
  const platforms = PLATFORMS.slice(0, size.platforms);
  for (let w = 0; w < size.workspaces; w++) {
    const workspace = demoWorkspace(w);
    const shift = utcShift(workspace.timezone);
    for (const platform of platforms) {
      const profile = PLATFORM_PROFILES[platform];
      // Most accounts bill in the home currency; some in another of the workspace's currencies.
      const accounts = workspace.currencies.map((currency, i) => ({
        account_id: `act_${workspace.workspace_id}_${platform}_${i + 1}`,
        currency,
      }));
      for (let c = 0; c < size.campaignsPerPlatform; c++) {
        const account = random() < 0.7 ? accounts[0]! : pick(random, accounts);
        const usd = USD_IN[account.currency] ?? 1;
        const nameBase =
          CAMPAIGN_NAMES[(w * 7 + c * 3 + platforms.indexOf(platform)) % CAMPAIGN_NAMES.length]!;
        const paused = !size.dense && random() < 0.35;
        const pauseFrom = Math.floor(between(random, 0, size.days - 10));
        plans.push({
          workspace_id: workspace.workspace_id,
          platform,
          account_id: account.account_id,
          campaign_id: `cmp_${platform}_${w + 1}_${String(c + 1).padStart(4, '0')}`,
          campaign_name: c < CAMPAIGN_NAMES.length ? nameBase : `${nameBase} #${c + 1}`,
          currency: account.currency,
          currency_decimals: currencyDecimals(account.currency),
          daily_budget: between(random, 40, 900) * profile.budget_weight * usd,
          cpm: between(random, ...profile.cpm) * usd,
          ctr: between(random, ...profile.ctr),
          cvr: between(random, ...profile.cvr),
          order_value: between(random, ...profile.order_value) * usd,
          fractional_conversions: profile.fractional_conversions,
          utc_shift_hours: shift,
          growth: between(random, -0.3, 0.6),
          start_day:
            size.dense || random() < 0.8 ? 0 : Math.floor(between(random, 0, size.days / 2)),
          pause_from_day: paused ? pauseFrom : -1,
          pause_to_day: paused ? pauseFrom + Math.floor(between(random, 3, 21)) : -1,
        });
      }
    }
  }
  return plans;
}
