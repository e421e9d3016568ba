/** Ad platform codes a cross-channel report can include (lowercase, as users and the API see them). */
export const PLATFORMS = [
  'meta',
  'google',
  'tiktok',
  'linkedin',
  'snapchat',
  'pinterest',
  'x',
  'microsoft',
  'amazon',
  'reddit',
] as const;

export type Platform = (typeof PLATFORMS)[number];

export const MAX_PLATFORMS_PER_REPORT = 8;

export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = {
  meta: 'Meta',
  google: 'Google Ads',
  tiktok: 'TikTok',
  linkedin: 'LinkedIn',
  snapchat: 'Snapchat',
  pinterest: 'Pinterest',
  x: 'X',
  microsoft: 'Microsoft Ads',
  amazon: 'Amazon Ads',
  reddit: 'Reddit',
};
