/**
 * Examples for the OpenAPI document: what Redoc shows and a reader pastes. Each one validates
 * against its schema and the request ones are accepted by the API (the contract test sends
 * them), so none can drift into something the API refuses.
 */
const JOB_ID = '5b0f8a52-3c1e-4d7a-9f3e-2a6b1c9d4e70';
const AT = '2026-12-02T09:30:00.000Z';

export const EXPORT_REQUEST_EXAMPLE = {
  since: '2026-11-01',
  until: '2026-11-30',
  platforms: ['meta', 'google'],
  format: 'CSV',
  target_currency: 'EUR',
  timezone: 'Europe/Berlin',
  dimensions: ['date', 'platform', 'campaign'],
  granularity: 'week',
  metrics: ['spend', 'clicks', 'conversions', 'roas'],
  include_currency: true,
};

export const SCHEDULE_PREVIEW_REQUEST_EXAMPLE = {
  name: 'Weekly client report',
  export: { platforms: ['meta', 'google'], format: 'PDF', target_currency: 'EUR' },
  range: 'previous_week',
  recurrence: { frequency: 'weekly', days: ['MON'], time: '09:00' },
  timezone: 'Europe/Berlin',
  from: '2026-12-06T12:00:00Z',
};

export const SCHEDULE_PREVIEW_EXAMPLE = {
  next_runs: [
    '2026-12-07T09:00:00+01:00',
    '2026-12-14T09:00:00+01:00',
    '2026-12-21T09:00:00+01:00',
  ],
};

export const SCHEDULE_REQUEST_EXAMPLE = {
  name: 'Weekly client report',
  export: { platforms: ['meta', 'google'], format: 'PDF', target_currency: 'EUR' },
  range: 'previous_week',
  recurrence: { frequency: 'weekly', days: ['MON'], time: '09:00' },
  timezone: 'Europe/Berlin',
};

export const SCHEDULE_EXAMPLE = {
  schedule_id: 'sch_5b1f0c7e-2a4d-4e8b-9c3f-1d2e3f4a5b6c',
  name: 'Weekly client report',
  export: {
    format: 'PDF',
    platforms: ['meta', 'google'],
    target_currency: 'EUR',
    compare_previous: true,
    csv_bom: false,
  },
  range: 'previous_week',
  recurrence: { frequency: 'weekly', days: ['MON'], time: '09:00' },
  timezone: 'Europe/Berlin',
  status: 'active',
  paused_reason: null,
  next_runs: SCHEDULE_PREVIEW_EXAMPLE.next_runs,
  last_run: {
    scheduled_for: '2026-11-30T08:00:00.000Z',
    fired_at: '2026-11-30T08:00:04.112Z',
    outcome: 'job',
    reason: null,
    job_id: '7d4c1f0a-93be-4a57-9b7e-2f6f1c0e8a11',
    job_status: 'COMPLETED',
    since: '2026-11-23',
    until: '2026-11-29',
  },
  created_by: 'user_42',
  created_at: '2026-11-02T10:15:00.000Z',
  updated_at: '2026-11-02T10:15:00.000Z',
};

export const EXPORT_ACCEPTED_EXAMPLE = { job_id: JOB_ID, status: 'PENDING' };

export const JOB_EXAMPLE = {
  job_id: JOB_ID,
  status: 'COMPLETED',
  format: 'CSV',
  requested_by: 'user_8841',
  requested_by_name: 'Aiko Tanaka',
  params: {
    since: '2026-11-01',
    until: '2026-11-30',
    platforms: ['meta', 'google'],
    target_currency: 'EUR',
    timezone: 'Europe/Berlin',
  },
  progress: { stage: 'done', percent: 100, rows: 540 },
  file: {
    filename: 'wevion-cross-channel_2026-11-01_2026-11-30_EUR_date-platform-campaign_week.csv',
    bytes: 48213,
    rows: 540,
    sha256: '9f2c4e1a7b3d5f608192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8',
    content_type: 'text/csv; charset=utf-8',
  },
  error: null,
  warnings: [],
  created_at: AT,
  started_at: '2026-12-02T09:30:00.412Z',
  completed_at: '2026-12-02T09:30:02.138Z',
  download_url: 'https://exports.example.com/exports/ws_acme/5b0f8a52/report.csv?X-Amz-Expires=900',
  expires_at: '2026-12-02T09:45:02.000Z',
};

const { download_url: _url, expires_at: _expires, ...listedJob } = JOB_EXAMPLE;

export const JOB_PAGE_EXAMPLE = { jobs: [listedJob], next_cursor: null };

export const CANCELLED_JOB_EXAMPLE = {
  ...listedJob,
  status: 'FAILED',
  progress: { stage: 'aggregating', percent: 20 },
  file: null,
  error: { code: 'cancelled', message: `Cancelled by user_8841 at ${AT}.` },
  completed_at: AT,
};

const metrics = {
  spend: 12840.55,
  impressions: 1804220,
  clicks: 24118,
  ctr: 0.01337,
  cpc: 0.53,
  cpm: 7.12,
  conversions: 812.4,
  conversion_value: 51230.1,
  roas: 3.99,
  cpa: 15.81,
};

export const SUMMARY_EXAMPLE = {
  currency: { code: 'EUR', minor_units: 2 },
  period: { since: '2026-11-01', until: '2026-11-30', days: 30, timezone: 'Europe/Berlin' },
  has_data: true,
  totals: metrics,
  platforms: [{ platform: 'meta', ...metrics, spend_share: 1 }],
  channel_mix: [{ platform: 'meta', spend: 12840.55, share: 1 }],
  trend: [{ date: '2026-11-01', ...metrics }],
  previous: null,
  warnings: [],
};

export const WORKSPACE_EXAMPLE = {
  workspace_id: 'ws_acme',
  name: 'Acme Outdoor GmbH',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  currencies: ['EUR', 'GBP', 'JPY', 'USD'],
  plan: { name: 'pro', label: 'Pro', exports_per_month: 200 },
  subscription: { status: 'active', active: true },
  quota: { limit: 200, used: 12, remaining: 188, resets_at: '2027-01-01T00:00:00.000Z' },
  features: { custom_branding: true, scheduled_exports: 10 },
  branding: { primary_color: '#0B5FFF', secondary_color: '#14B8A6' },
  user: { user_id: 'user_8841', role: 'admin', can_export: true, export_blocked: null },
};

const BRANDING = {
  logo_key: 'branding/ws_acme/logo-3f9a1c2e4b5d6f70.png',
  primary_color: '#0B5FFF',
  secondary_color: '#14B8A6',
};
export const BRANDING_READ_EXAMPLE = { branding: BRANDING, custom_branding: true };
export const BRANDING_WRITE_EXAMPLE = { branding: BRANDING };

export const WEBHOOK_REQUEST_EXAMPLE = { url: 'https://hooks.example.com/wevion' };

const WEBHOOK = {
  webhook_id: 'wh_0c6e4a3b-8d1f-4f2a-9b7c-5e3d2a1f0b9c',
  workspace_id: 'ws_acme',
  url: 'https://hooks.example.com/wevion',
  created_at: AT,
  events: ['export.completed', 'export.failed'],
};
export const WEBHOOK_CREATED_EXAMPLE = {
  ...WEBHOOK,
  secret: 'whsec_Q2hhbmdlTWVCZWZvcmVZb3VTaGlwSXQx',
};
export const WEBHOOK_LIST_EXAMPLE = { webhooks: [WEBHOOK] };
export const SECRET_ROTATED_EXAMPLE = {
  webhook_id: WEBHOOK.webhook_id,
  secret: 'whsec_QW5vdGhlck9uZUtlcHRTZWNyZXRQbGVhc2Ux',
};
export const DELIVERIES_EXAMPLE = {
  deliveries: [
    {
      delivery_id: '2d7e9f10-4b3a-4c8e-a1d2-6f5e4c3b2a19',
      webhook_id: WEBHOOK.webhook_id,
      event_id: `evt_${JOB_ID}_completed`,
      event_type: 'export.completed',
      state: 'delivered',
      next_attempt_at: null,
      created_at: AT,
      attempts: [
        { at: AT, status_code: 503, latency_ms: 88, error: 'HTTP 503' },
        { at: '2026-12-02T09:30:30.000Z', status_code: 200, latency_ms: 41, error: null },
      ],
    },
  ],
};

/** What a receiver gets: the body of every `export.completed` delivery. */
export const WEBHOOK_EVENT_EXAMPLE = {
  id: `evt_${JOB_ID}_completed`,
  type: 'export.completed',
  created_at: AT,
  data: {
    job_id: JOB_ID,
    workspace_id: 'ws_acme',
    status: 'COMPLETED',
    format: 'CSV',
    file: JOB_EXAMPLE.file,
    error: null,
    warnings: [],
    job_url: `/api/v1/analytics/export/${JOB_ID}`,
  },
};

export const WEBHOOK_FAILED_EVENT_EXAMPLE = {
  id: `evt_${JOB_ID}_failed`,
  type: 'export.failed',
  created_at: AT,
  data: {
    ...WEBHOOK_EVENT_EXAMPLE.data,
    status: 'FAILED',
    file: null,
    error: { code: 'cancelled', message: `Cancelled by user_8841 at ${AT}.` },
  },
};

/** An error body for a documented answer: its code, taken from the answer's description. */
export function errorExample(description: string) {
  const code = /^([a-z_]+):/.exec(description)?.[1] ?? 'invalid_field';
  return { error: { code, message: description.replace(/^[a-z_]+: /, '') } };
}

export const SCHEDULE_PAUSED_EVENT_EXAMPLE = {
  id: `evt_${SCHEDULE_EXAMPLE.schedule_id}_paused_1796630400000`,
  type: 'schedule.paused',
  created_at: AT,
  data: {
    schedule_id: SCHEDULE_EXAMPLE.schedule_id,
    workspace_id: 'ws_acme',
    name: SCHEDULE_EXAMPLE.name,
    status: 'paused',
    paused_reason: {
      code: 'repeated_failures',
      message: "Paused after 3 failed runs in a row; read the last run's error, then resume.",
    },
    run: null,
    schedule_url: `/api/v1/analytics/schedules/${SCHEDULE_EXAMPLE.schedule_id}`,
  },
};

export const SCHEDULE_RUN_FAILED_EVENT_EXAMPLE = {
  id: `evt_${SCHEDULE_EXAMPLE.schedule_id}_run_failed_${JOB_ID}`,
  type: 'schedule.run_failed',
  created_at: AT,
  data: {
    ...SCHEDULE_PAUSED_EVENT_EXAMPLE.data,
    status: 'active',
    paused_reason: null,
    run: {
      scheduled_for: '2026-11-30T08:00:00.000Z',
      job_id: JOB_ID,
      error: { code: 'render_failed', message: 'The PDF could not be rendered.' },
    },
  },
};
