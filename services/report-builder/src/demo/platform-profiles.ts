import type { Platform } from '@wevion/shared';

/**
 * Typical auction economics per platform, in USD, from public industry benchmarks: what makes
 * LinkedIn expensive per impression and Amazon strong on conversion in the demo data.
 */
export interface PlatformProfile {
  cpm: [number, number];
  ctr: [number, number];
  cvr: [number, number];
  order_value: [number, number];
  /** Fractional conversions (data-driven attribution) rather than whole ones. */
  fractional_conversions: boolean;
  /** Relative share of a typical media plan: Meta and Google take the most budget. */
  budget_weight: number;
}

export const PLATFORM_PROFILES: Readonly<Record<Platform, PlatformProfile>> = {
  meta: {
    budget_weight: 1.6,
    cpm: [7, 13],
    ctr: [0.009, 0.016],
    cvr: [0.02, 0.045],
    order_value: [45, 90],
    fractional_conversions: false,
  },
  google: {
    budget_weight: 1.5,
    cpm: [18, 40],
    ctr: [0.03, 0.065],
    cvr: [0.03, 0.07],
    order_value: [60, 120],
    fractional_conversions: true,
  },
  tiktok: {
    budget_weight: 0.8,
    cpm: [5, 10],
    ctr: [0.008, 0.014],
    cvr: [0.008, 0.02],
    order_value: [30, 60],
    fractional_conversions: false,
  },
  linkedin: {
    budget_weight: 0.5,
    cpm: [28, 55],
    ctr: [0.004, 0.008],
    cvr: [0.03, 0.07],
    order_value: [150, 400],
    fractional_conversions: false,
  },
  snapchat: {
    budget_weight: 0.4,
    cpm: [3, 6],
    ctr: [0.005, 0.01],
    cvr: [0.006, 0.015],
    order_value: [25, 50],
    fractional_conversions: false,
  },
  pinterest: {
    budget_weight: 0.4,
    cpm: [4, 8],
    ctr: [0.003, 0.007],
    cvr: [0.01, 0.025],
    order_value: [40, 80],
    fractional_conversions: false,
  },
  x: {
    budget_weight: 0.3,
    cpm: [5, 9],
    ctr: [0.006, 0.011],
    cvr: [0.005, 0.012],
    order_value: [35, 70],
    fractional_conversions: false,
  },
  microsoft: {
    budget_weight: 0.45,
    cpm: [14, 30],
    ctr: [0.025, 0.045],
    cvr: [0.03, 0.06],
    order_value: [60, 130],
    fractional_conversions: true,
  },
  amazon: {
    budget_weight: 0.9,
    cpm: [8, 16],
    ctr: [0.004, 0.009],
    cvr: [0.08, 0.13],
    order_value: [25, 60],
    fractional_conversions: false,
  },
  reddit: {
    budget_weight: 0.25,
    cpm: [3, 6],
    ctr: [0.003, 0.008],
    cvr: [0.008, 0.02],
    order_value: [30, 70],
    fractional_conversions: false,
  },
};
