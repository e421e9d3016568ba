import { addDays, daysInclusive, isCalendarDate } from '@wevion/shared/calendar-date.ts';
import {
  MAX_PLATFORMS_PER_REPORT,
  PLATFORM_LABELS,
  PLATFORMS,
  type Platform,
} from '@wevion/shared/platforms.ts';
import { chartTheme, donutSvg, PLATFORM_COLORS, trendSvg } from '@wevion/shared/report-charts.ts';
import {
  METRIC_NAMES,
  SPEC_METRICS,
  type MetricDelta,
  type MetricName,
  type PlatformTotal,
  type TrendPoint,
} from '@wevion/shared/report-dataset.ts';
import {
  count,
  dateRange,
  dateTime,
  DIMENSION_LABELS,
  fileSize,
  formatters,
  GRANULARITY_LABELS,
  humanizeDates,
  longDate,
  METRIC_LABELS,
  noDataMessage,
} from '@wevion/shared/report-format.ts';
import {
  DEFAULT_CSV_LAYOUT,
  DIMENSIONS,
  EXPORT_FORMAT_SPECS,
  GRANULARITIES,
  MAX_DATE_RANGE_DAYS,
  type ExportFormat,
} from '@wevion/shared/api-contract.ts';
import { api, ApiError, type JobView } from './api.ts';

/** The ECB reference set the API accepts; a currency without rates fails with a clear error. */
const TIMEZONES = [
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
  'UTC',
];
const STAGES: Record<string, string> = {
  queued: 'Report queued',
  aggregating: 'Crunching the numbers',
  rendering: 'Rendering',
  uploading: 'Saving the file',
  done: 'Ready',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** A DOM element with properties and children; text always goes in as text, never as HTML. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

const announce = (text: string) => ($('live').textContent = text);
const today = () => new Date().toISOString().slice(0, 10);

/* ---------- the view: range, platforms, currency, time zone ---------- */

interface ViewQuery {
  since: string;
  until: string;
  platforms: Platform[];
  target_currency: string;
  timezone?: string;
}

function setUpForm() {
  $('timezone').append(
    el('option', { value: '', textContent: 'Workspace default' }),
    ...TIMEZONES.map((z) => el('option', { value: z, textContent: z })),
  );
  for (const [i, platform] of PLATFORMS.entries()) {
    const box = el('input', {
      type: 'checkbox',
      name: 'platform',
      value: platform,
      checked: i < 3,
    });
    $('platforms').append(el('label', { className: 'check' }, box, PLATFORM_LABELS[platform]));
  }
  $('platforms').addEventListener('change', syncPlatforms);
  syncPlatforms();
  const until = addDays(today(), -1);
  ($('until') as HTMLInputElement).value = until;
  ($('since') as HTMLInputElement).value = addDays(until, -29);
  ($('until') as HTMLInputElement).max = today();
  $('preset').addEventListener('change', () => {
    const custom = ($('preset') as HTMLSelectElement).value === 'custom';
    document.querySelectorAll<HTMLElement>('.field.custom').forEach((f) => (f.hidden = !custom));
    if (custom) ($('since') as HTMLInputElement).focus();
  });
}

/** The configured view, or the reason it cannot be used (shown under the form). */
function readView(): { query: ViewQuery } | { problem: string } {
  const preset = ($('preset') as HTMLSelectElement).value;
  let since: string;
  let until: string;
  if (preset === 'custom') {
    since = ($('since') as HTMLInputElement).value;
    until = ($('until') as HTMLInputElement).value;
    if (!isCalendarDate(since) || !isCalendarDate(until))
      return { problem: 'Choose both a start and an end date.' };
    if (since > until) return { problem: 'The start date must be on or before the end date.' };
    const days = daysInclusive(since, until);
    if (days > MAX_DATE_RANGE_DAYS)
      return {
        problem: `That range is ${days} days; exports cover at most ${MAX_DATE_RANGE_DAYS}. Split it into shorter ranges.`,
      };
  } else {
    until = addDays(today(), -1);
    since = addDays(until, -(Number(preset) - 1));
  }
  const platforms = checkedPlatforms().map((i) => i.value as Platform);
  if (platforms.length === 0) return { problem: 'Choose at least one platform.' };
  if (platforms.length > MAX_PLATFORMS_PER_REPORT)
    return { problem: `Choose at most ${MAX_PLATFORMS_PER_REPORT} platforms.` };
  const timezone = ($('timezone') as HTMLSelectElement).value;
  return {
    query: {
      since,
      until,
      platforms,
      target_currency: ($('currency') as HTMLSelectElement).value,
      ...(timezone ? { timezone } : {}),
    },
  };
}

function showProblem(problem: string) {
  $('range-error').textContent = problem;
  ($('until') as HTMLInputElement).setAttribute(
    'aria-invalid',
    problem.includes('range') || problem.includes('date') ? 'true' : 'false',
  );
}

/* ---------- gates ---------- */

function showBillingBanner() {
  $('banner').replaceChildren(
    'Exports need an active subscription. ',
    el('a', { href: '/settings/team/billing', textContent: 'Check your plan' }),
    '.',
  );
  $('banner').hidden = false;
}

function showGate(error: ApiError): boolean {
  const banner = $('banner');
  if (error.reason === 'subscription_required') {
    showBillingBanner();
  } else if (error.status === 404 && error.code === 'cross_channel_disabled') {
    banner.replaceChildren(
      'Cross-channel analytics are disabled for this workspace. Ask an admin to enable them.',
    );
    document.body.classList.add('disabled');
  } else if (error.status === 401) {
    banner.replaceChildren('Your session has expired. Reload the page to sign in again.');
  } else {
    return false;
  }
  banner.hidden = false;
  return true;
}

/* ---------- the workspace and what the user may do in it ---------- */

interface WorkspaceView {
  user: { user_id: string; export_blocked: { reason: string; message: string } | null };
  timezone: string;
  currency: string;
  currencies: string[];
  plan: { label: string };
  subscription: { active: boolean };
  quota: { limit: number | null; remaining: number | null; resets_at: string };
  branding: { primary_color: string | null; secondary_color: string | null } | null;
}

let workspace: WorkspaceView | null = null;
/** The zone every date and time on the page is shown in: the workspace's. */
const zone = () => workspace?.timezone ?? 'UTC';

/** Defaults from the workspace (currency, zone), the quota line, and export rights. */
async function loadWorkspace() {
  try {
    workspace = await api<WorkspaceView>('/api/v1/workspaces/current');
  } catch (error) {
    if (error instanceof ApiError) showGate(error);
    return;
  }
  // Only the currencies a report can be made in: those with exchange rates.
  const currency = $<HTMLSelectElement>('currency');
  if (!currency.options.length)
    currency.append(...workspace.currencies.map((c) => el('option', { value: c, textContent: c })));
  if (!currency.dataset.touched && workspace.currencies.includes(workspace.currency))
    currency.value = workspace.currency;
  $<HTMLSelectElement>('timezone').options[0]!.textContent =
    `Workspace default (${workspace.timezone})`;
  const { limit, remaining, resets_at: resetsAt } = workspace.quota;
  // Quota months are UTC months: the 1st is the 1st wherever the user is.
  const renews = longDate(resetsAt.slice(0, 10));
  // Without a subscription there is no quota to speak of: the line says what is missing.
  $('quota').replaceChildren(
    ...(!workspace.subscription.active
      ? ['No active subscription · ', billingLink('Check your plan')]
      : limit === null
        ? [`Unlimited exports on ${workspace.plan.label}`]
        : [
            `${remaining} of ${limit} exports left this month · renews ${renews}`,
            ...(remaining === 0 ? [' · ', billingLink('Upgrade')] : []),
          ]),
  );
  if (!workspace.subscription.active) showBillingBanner();
  syncExportButton();
}

const BILLING = '/settings/team/billing';
const billingLink = (text: string) => el('a', { href: BILLING, textContent: text });

/** A message that names the billing page, with the path as a link rather than raw text. */
function withBillingLink(message: string): (Node | string)[] {
  const at = message.indexOf(BILLING);
  if (at < 0) return [message];
  return [
    message.slice(0, at).replace(/\bat $/, 'in '),
    billingLink('billing settings'),
    message.slice(at + BILLING.length),
  ];
}

/** Export is disabled, with the reason beside it, whenever an export could not start. */
function syncExportButton() {
  const quota = workspace?.quota;
  const view = readView();
  const reason =
    workspace?.user.export_blocked?.message ??
    (quota && quota.remaining === 0
      ? `All ${quota.limit} exports of this month are used; they renew on the 1st. Upgrade at ${BILLING}.`
      : 'problem' in view
        ? view.problem
        : null);
  const button = $<HTMLButtonElement>('export-button');
  button.disabled = reason !== null;
  $('export-blocked').replaceChildren(...withBillingLink(reason ?? ''));
  $('export-blocked').hidden = reason === null;
}

const checkedPlatforms = () => [
  ...document.querySelectorAll<HTMLInputElement>('input[name=platform]:checked'),
];

/** At the most a report holds, the other chips are disabled and say why. */
function syncPlatforms() {
  const full = checkedPlatforms().length >= MAX_PLATFORMS_PER_REPORT;
  const reason = `A report holds at most ${MAX_PLATFORMS_PER_REPORT} platforms; untick one to choose another.`;
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name=platform]')) {
    box.disabled = full && !box.checked;
    box.parentElement!.title = box.disabled ? reason : '';
  }
  $('platforms-hint').textContent = full ? reason : '';
  syncExportButton();
}

/* ---------- on-screen summary (same engine as exports) ---------- */

interface Summary {
  currency: { code: string };
  has_data: boolean;
  period: { since: string; until: string; timezone: string };
  totals: Record<MetricName, number | null>;
  platforms: PlatformTotal[];
  channel_mix: { platform: Platform; spend: number; share: number | null }[];
  trend: TrendPoint[];
  previous: {
    deltas: Record<MetricName, MetricDelta>;
  } | null;
  warnings: { message: string }[];
}

/** The KPI strip: the PDF's nine cards (the spec's metrics), in its order. */
const KPIS = SPEC_METRICS;

/** A table cell that names its column, for the stacked rows of narrow screens. */
function cell(label: string, className: string, ...children: (Node | string)[]) {
  const td = el('td', { className }, ...children);
  td.dataset.label = label;
  return td;
}

let summaryTimer: number | undefined;
function refreshSummary() {
  clearTimeout(summaryTimer);
  // What is on screen no longer matches the form: say so until the new figures arrive.
  $('kpis-stale').hidden = false;
  $('kpis').setAttribute('aria-busy', 'true');
  summaryTimer = window.setTimeout(loadSummary, 250);
}

async function loadSummary() {
  const view = readView();
  syncExportButton();
  // Figures of another view would pass for this one's: an invalid view shows none.
  $('overview').dataset.invalid = String('problem' in view);
  if ('problem' in view) {
    $('kpis-stale').hidden = true;
    $('kpis').setAttribute('aria-busy', 'false');
    $('kpis').replaceChildren(
      el('p', { className: 'muted', textContent: `No figures: ${view.problem}` }),
    );
    return showProblem(view.problem);
  }
  showProblem('');
  const { query } = view;
  $('kpis-stale').hidden = false;
  const params = new URLSearchParams({
    since: query.since,
    until: query.until,
    platforms: query.platforms.join(','),
    target_currency: query.target_currency,
    ...(query.timezone ? { timezone: query.timezone } : {}),
  });
  $('kpis').setAttribute('aria-busy', 'true');
  try {
    const summary = await api<Summary>(`/api/v1/analytics/summary?${params}`);
    renderSummary(summary);
  } catch (error) {
    if (error instanceof ApiError && !showGate(error)) showProblem(error.message);
  } finally {
    $('kpis').setAttribute('aria-busy', 'false');
    $('kpis-stale').hidden = true;
  }
}

let shownSummary: Summary | null = null;

function renderSummary(summary: Summary) {
  shownSummary = summary;
  const f = formatters(summary.currency.code);
  $('period').textContent =
    `${dateRange(summary.period.since, summary.period.until)} · ${summary.period.timezone}`;
  // No row at all: the PDF's one-page message instead of cards, charts and a table of zeros.
  $('overview').dataset.empty = String(!summary.has_data);
  if (!summary.has_data) {
    const platforms = PLATFORMS.filter((p) => summary.platforms.some((t) => t.platform === p));
    const { title, text } = noDataMessage(platforms, summary.period);
    $('kpis').replaceChildren(
      el(
        'div',
        { className: 'no-data', role: 'status' },
        el('strong', { textContent: title }),
        el('p', { textContent: text }),
      ),
    );
    $('platform-rows').replaceChildren();
    $('warnings').replaceChildren(
      ...summary.warnings.map((w) => el('li', { textContent: humanizeDates(w.message, zone()) })),
    );
    return;
  }
  $('kpis').replaceChildren(
    ...KPIS.map((name) => {
      const delta = summary.previous?.deltas[name];
      // The PDF's comparison rule: both values in one precision, a change only where they differ.
      const pair = delta ? f.comparison(name, delta) : null;
      return el(
        'div',
        { className: 'kpi' },
        el('div', { className: 'kpi-label', textContent: METRIC_LABELS[name] }),
        el('div', {
          className: 'kpi-value',
          textContent: pair?.current ?? f.metric(name, summary.totals[name]),
        }),
        delta && pair && delta.change_ratio !== null
          ? el('div', {
              className: `kpi-change ${pair.tone}`,
              textContent: `${pair.ratio} vs ${pair.previous}`,
            })
          : '',
      );
    }),
  );
  $('platform-rows').replaceChildren(
    ...summary.platforms.map((p) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row', textContent: PLATFORM_LABELS[p.platform] }),
        ...(
          ['spend', 'impressions', 'clicks', 'ctr', 'cpc', 'conversions', 'roas', 'cpa'] as const
        ).map((name) => cell(METRIC_LABELS[name], 'num', f.metric(name, p[name]))),
      ),
    ),
  );
  renderCharts(summary, f);
  $('warnings').replaceChildren(
    ...summary.warnings.map((w) => el('li', { textContent: humanizeDates(w.message, zone()) })),
  );
}

/**
 * The PDF's daily trend and channel mix, drawn by the same chart code in the workspace's report
 * colours. The SVG is our own markup; every text in it went through the charts' escaping.
 */
function renderCharts(summary: Summary, f: ReturnType<typeof formatters>) {
  const theme = chartTheme(workspace?.branding);
  // Drawn at the width it shows, so its labels keep their size on a phone.
  const width = Math.max(300, Math.round($('trend-chart').clientWidth) || 720);
  $('trend-chart').innerHTML = trendSvg(summary.trend, {
    width,
    height: width < 500 ? 190 : 230,
    barColor: theme.bar,
    lineColor: theme.secondary,
    formatMoney: (v) => f.compactMoney(v),
    formatCount: (v) => f.compact(v),
  });
  $('trend-legend').style.setProperty('--chart-bar', theme.bar);
  $('trend-legend').style.setProperty('--chart-line', theme.secondary);
  const mix = summary.channel_mix.filter((c) => c.spend > 0);
  $('mix-chart').innerHTML = donutSvg(
    mix.map((c) => ({ platform: c.platform, label: PLATFORM_LABELS[c.platform], value: c.spend })),
    f.compactMoney(summary.totals.spend),
    'total spend',
    180,
  );
  $('mix-legend').replaceChildren(
    ...(mix.length
      ? mix.map((c) =>
          el(
            'li',
            {},
            el('span', {
              className: 'swatch',
              style: `background: ${PLATFORM_COLORS[c.platform]}`,
            }),
            el('span', { textContent: PLATFORM_LABELS[c.platform] }),
            el('span', { className: 'num', textContent: f.share(c.share) }),
          ),
        )
      : [el('li', { className: 'muted', textContent: 'No spend in this period.' })]),
  );
}

/* ---------- CSV dialog ---------- */

/** What the CSV dialog adds to an export request; the API fills in anything left out. */
interface CsvChoices {
  dimensions: string[];
  granularity: string;
  metrics: string[];
  include_currency: boolean;
  csv_bom: boolean;
}

/** The dialog's choices, from the contract: checked where the API's default layout has them. */
function fillCsvChoices(granularity: HTMLSelectElement) {
  const box = (name: string, value: string, label: string, checked: boolean) =>
    el('label', {}, el('input', { type: 'checkbox', name, value, checked }), ` ${label}`);
  $('csv-dimensions').append(
    ...DIMENSIONS.map((d) =>
      box('dimension', d, DIMENSION_LABELS[d], DEFAULT_CSV_LAYOUT.dimensions.includes(d)),
    ),
  );
  granularity.append(
    ...GRANULARITIES.map((g) => el('option', { value: g, textContent: GRANULARITY_LABELS[g] })),
  );
  $('csv-metrics').append(
    ...METRIC_NAMES.map((m) =>
      box('metric', m, METRIC_LABELS[m], DEFAULT_CSV_LAYOUT.metrics.includes(m)),
    ),
  );
}

function setUpCsvDialog() {
  const dialog = $<HTMLDialogElement>('csv-dialog');
  const form = $<HTMLFormElement>('csv-form');
  const granularity = $<HTMLSelectElement>('csv-granularity');
  fillCsvChoices(granularity);
  const boxes = (name: string) => [
    ...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`),
  ];
  const defaults = new Map(
    boxes('dimension')
      .concat(boxes('metric'))
      .map((b) => [b, b.checked]),
  );
  // Without a date column a row covers the whole period, so only "Whole period" makes sense.
  const syncGranularity = () => {
    const byDate = boxes('dimension').some((b) => b.value === 'date' && b.checked);
    granularity.disabled = !byDate;
    if (!byDate) granularity.value = 'total';
  };
  const reset = () => {
    for (const [box, checked] of defaults) box.checked = checked;
    granularity.value = DEFAULT_CSV_LAYOUT.granularity;
    for (const box of [...boxes('include_currency'), ...boxes('csv_bom')]) box.checked = false;
    $('csv-error').textContent = '';
    syncGranularity();
  };
  form.addEventListener('change', syncGranularity);
  $('csv-reset').addEventListener('click', reset);
  $('csv-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const checked = (name: string) => boxes(name).filter((b) => b.checked);
    const choices: CsvChoices = {
      dimensions: checked('dimension').map((b) => b.value),
      granularity: granularity.value,
      metrics: checked('metric').map((b) => b.value),
      include_currency: checked('include_currency').length > 0,
      csv_bom: checked('csv_bom').length > 0,
    };
    const problem = !choices.dimensions.length
      ? 'Choose at least one thing to have a row per.'
      : !choices.metrics.length
        ? 'Choose at least one metric.'
        : null;
    $('csv-error').textContent = problem ?? '';
    if (problem) return;
    dialog.close();
    void startExport('CSV', choices);
  });
  return {
    open() {
      syncGranularity();
      dialog.showModal();
      boxes('dimension')[0]!.focus();
    },
  };
}

/* ---------- export menu and export bar ---------- */

function setUpMenu(csvDialog: ReturnType<typeof setUpCsvDialog>) {
  const button = $('export-button');
  const menu = $('export-menu');
  const items = () => [...menu.querySelectorAll<HTMLButtonElement>('[role=menuitem]')];
  const open = (isOpen: boolean) => {
    menu.hidden = !isOpen;
    button.setAttribute('aria-expanded', String(isOpen));
    if (isOpen) items()[0]!.focus();
  };
  button.addEventListener('click', () => open(Boolean(menu.hidden)));
  menu.addEventListener('keydown', (event) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      open(false);
      button.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      list[(index + (event.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length]!.focus();
    }
  });
  document.addEventListener('click', (event) => {
    if (!menu.hidden && !(event.target as Node).parentElement?.closest('.menu')) open(false);
  });
  for (const item of items()) {
    item.addEventListener('click', () => {
      open(false);
      button.focus();
      if (item.dataset.format === 'CSV') csvDialog.open();
      else void startExport('PDF');
    });
  }
}

let lastRequest: { format: ExportFormat; csv: CsvChoices | undefined } | null = null;

/**
 * Job failures another attempt can fix: a crash, a time-out, data that expired. The others
 * (a currency without rates, a refused query) would fail the same way again.
 */
const RETRYABLE_JOB_ERRORS = new Set(['processing_failed', 'timeout', 'dataset_missing']);

function bar(
  state: 'working' | 'done' | 'failed',
  title: string,
  detail: string,
  percentDone: number,
  retryable = false,
) {
  $('export-bar').hidden = false;
  $('export-bar').dataset.state = state;
  $('export-title').textContent = title;
  $('export-detail').textContent = detail;
  $('export-progress').style.width = `${percentDone}%`;
  $('export-retry').hidden = !(state === 'failed' && retryable);
  $('export-cancel').hidden = !(state === 'working' && watching);
  announce(`${title}. ${detail}`);
}

async function startExport(format: ExportFormat, csv?: CsvChoices) {
  const view = readView();
  if ('problem' in view) {
    showProblem(view.problem);
    return;
  }
  lastRequest = { format, csv };
  bar(
    'working',
    'Report queued',
    `${format} · ${dateRange(view.query.since, view.query.until)}`,
    2,
  );
  try {
    const { job_id: jobId } = await api<{ job_id: string }>('/api/v1/analytics/export', {
      method: 'POST',
      body: JSON.stringify({ ...view.query, format, ...csv }),
    });
    void loadReports();
    void loadWorkspace();
    await watch(jobId);
  } catch (error) {
    if (error instanceof ApiError) {
      // A refusal (role, plan, quota, a bad field) stands on retry; a server error may not.
      if (!showGate(error) || error.reason === 'subscription_required')
        bar('failed', 'Export not started', error.message, 0, error.status >= 500);
    } else {
      bar(
        'failed',
        'Export not started',
        'The network failed; check your connection and retry.',
        0,
        true,
      );
    }
  }
}

/** The job the export bar follows, while it runs: the one Cancel stops. */
let watching: string | null = null;

/**
 * Stops a PENDING or RUNNING job; the poll that follows shows it ended. A refusal (it finished
 * first) is said in `where`, the place the user clicked, as well as to screen readers.
 */
async function cancelExport(jobId: string, where?: HTMLElement) {
  try {
    await api(`/api/v1/analytics/export/${jobId}/cancel`, { method: 'POST' });
    announce('Export cancelled.');
    void loadReports();
    void loadWorkspace();
  } catch (error) {
    const message = `Not cancelled: ${(error as Error).message}`;
    announce(message);
    if (where) where.replaceWith(el('span', { className: 'error-text', textContent: message }));
    else $('export-detail').textContent = message;
  }
}

/** Polls a job with backoff until it ends; a finished file downloads straight away. */
async function watch(jobId: string) {
  watching = jobId;
  try {
    await follow(jobId);
  } finally {
    if (watching === jobId) watching = null;
  }
}

async function follow(jobId: string) {
  let delay = 500;
  for (;;) {
    const job = await api<JobView>(`/api/v1/analytics/export/${jobId}`);
    const stage = job.progress?.stage ?? 'queued';
    if (job.status === 'COMPLETED' && job.download_url) {
      // A warning (no data, a range ending in the future) travels with the file, not instead.
      const warnings = job.warnings.map((w) => humanizeDates(w.message, zone())).join(' ');
      bar(
        'done',
        job.warnings.length ? 'Download started, with a warning' : 'Download started',
        [job.file?.filename ?? '', warnings].filter(Boolean).join(' · '),
        100,
      );
      window.location.assign(job.download_url);
      void loadReports();
      void loadWorkspace();
      return;
    }
    if (job.status === 'FAILED') {
      bar(
        'failed',
        job.error?.code === 'cancelled' ? 'Export cancelled' : 'Export failed',
        humanizeDates(job.error?.message ?? 'The export failed.', zone()),
        0,
        RETRYABLE_JOB_ERRORS.has(job.error?.code ?? ''),
      );
      // A failed or cancelled export gives its quota slot back: the line says so at once.
      void loadReports();
      void loadWorkspace();
      return;
    }
    const rows = job.progress?.rows;
    bar(
      'working',
      STAGES[stage] ?? 'Working',
      `${job.format} · ${job.progress?.percent ?? 0}%${rows ? ` · ${count(rows)} rows` : ''}`,
      Math.max(4, job.progress?.percent ?? 0),
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 1.5, 5000);
  }
}

/* ---------- reports history ---------- */

let reportsCursor: string | null = null;

async function loadReports(append = false) {
  const params = new URLSearchParams({ limit: '10' });
  const from = ($('created-from') as HTMLInputElement).value;
  const to = ($('created-to') as HTMLInputElement).value;
  const format = ($('report-format') as HTMLSelectElement).value;
  if (from) params.set('created_from', from);
  if (to) params.set('created_to', to);
  if (format) params.set('format', format);
  if (append && reportsCursor) params.set('cursor', reportsCursor);
  try {
    const page = await api<{ jobs: JobView[]; next_cursor: string | null }>(
      `/api/v1/analytics/export?${params}`,
    );
    const rows = page.jobs.map(reportRow);
    if (append) $('report-rows').append(...rows);
    else
      $('report-rows').replaceChildren(
        ...(rows.length
          ? rows
          : [
              el(
                'tr',
                {},
                el('td', { colSpan: 5, className: 'muted', textContent: 'No reports yet.' }),
              ),
            ]),
      );
    reportsCursor = page.next_cursor;
    $('more-reports').hidden = !reportsCursor;
    return page.jobs;
  } catch (error) {
    if (error instanceof ApiError) showGate(error);
    return [];
  }
}

/** A CSV's layout in words: "per date and platform · by day". */
function csvShape(params: NonNullable<JobView['params']>): string {
  const dims = params.dimensions ?? [];
  const per = dims.length > 1 ? `${dims.slice(0, -1).join(', ')} and ${dims.at(-1)}` : dims[0];
  return params.granularity && params.granularity !== 'total' && dims.includes('date')
    ? `per ${per} · by ${params.granularity}`
    : `per ${per} · whole period`;
}

/** Enough to tell two reports of one range apart: who, what, how big, and what to know. */
function reportRow(job: JobView): HTMLTableRowElement {
  // Times in the workspace's zone, like every date the reports themselves print.
  const requested = dateTime(job.created_at, zone());
  const by =
    job.requested_by === workspace?.user.user_id
      ? 'you'
      : (job.requested_by_name ?? job.requested_by);
  const cancelled = job.status === 'FAILED' && job.error?.code === 'cancelled';
  const running = job.status === 'PENDING' || job.status === 'RUNNING';
  let action: Node = document.createTextNode('');
  if (job.status === 'COMPLETED' && job.file) {
    const link = el('button', {
      type: 'button',
      className: 'link',
      textContent: `Download ${job.format}`,
    });
    link.setAttribute('aria-label', `Download ${job.file.filename}`);
    // A fresh signed URL on every click: links never expire in the user's hands.
    link.addEventListener('click', () => {
      api<JobView>(`/api/v1/analytics/export/${job.job_id}`).then(
        (fresh) => fresh.download_url && window.location.assign(fresh.download_url),
        (error: unknown) =>
          announce(`The download link could not be fetched: ${(error as Error).message}`),
      );
    });
    action = link;
  } else if (job.status === 'COMPLETED') {
    action = el('span', { className: 'muted', textContent: 'No file to download' });
  } else if (job.status === 'FAILED') {
    action = el('span', {
      className: cancelled ? 'muted' : 'error-text',
      textContent: humanizeDates(job.error?.message ?? 'Failed', zone()),
    });
  } else if (running && workspace?.user.export_blocked?.reason !== 'insufficient_role') {
    const stop = el('button', { type: 'button', className: 'link', textContent: 'Cancel' });
    stop.setAttribute('aria-label', `Cancel the ${job.format} export of ${job.params.since}`);
    stop.addEventListener('click', () => void cancelExport(job.job_id, stop));
    action = stop;
  }
  const empty = job.warnings.some((w) => w.code === 'no_data');
  // Rows say something about a CSV; a PDF's pages are not rows.
  const facts = job.file
    ? [
        EXPORT_FORMAT_SPECS[job.format].hasRows ? `${count(job.file.rows)} rows` : '',
        fileSize(job.file.bytes),
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
  const status = cell(
    'Status',
    '',
    el('span', {
      className: `badge ${cancelled ? 'cancelled' : job.status.toLowerCase()}`,
      textContent: cancelled ? 'CANCELLED' : job.status,
    }),
    ...(empty ? [' ', el('span', { className: 'badge empty', textContent: 'EMPTY' })] : []),
    ...(facts ? [el('div', { className: 'sub', textContent: facts })] : []),
    ...job.warnings.map((w) =>
      el('div', { className: 'sub warning', textContent: humanizeDates(w.message, zone()) }),
    ),
  );
  const platforms = job.params.platforms.map((p) => PLATFORM_LABELS[p as Platform] ?? p);
  return el(
    'tr',
    { className: `status-${job.status.toLowerCase()}` },
    cell('Requested', '', requested, el('div', { className: 'sub', textContent: `by ${by}` })),
    cell(
      'Format',
      '',
      job.format,
      ...(EXPORT_FORMAT_SPECS[job.format].takesLayout && job.params.dimensions
        ? [el('div', { className: 'sub', textContent: csvShape(job.params) })]
        : []),
    ),
    cell(
      'Range',
      '',
      dateRange(job.params.since, job.params.until),
      el('div', {
        className: 'sub',
        textContent: `${platforms.join(', ')} · ${job.params.target_currency}`,
      }),
    ),
    status,
    cell('', 'action', action),
  );
}

/* ---------- start ---------- */

setUpForm();
setUpMenu(setUpCsvDialog());
$('view').addEventListener('change', refreshSummary);
// A currency the user picked is theirs; the workspace default no longer applies to it.
$('currency').addEventListener('change', () => ($('currency').dataset.touched = 'true'));
$('view').addEventListener('submit', (event) => event.preventDefault());
$('report-filters').addEventListener('change', () => void loadReports());
$('more-reports').addEventListener('click', () => void loadReports(true));
$('export-retry').addEventListener(
  'click',
  () => lastRequest && void startExport(lastRequest.format, lastRequest.csv),
);
$('export-dismiss').addEventListener('click', () => ($('export-bar').hidden = true));
$('export-cancel').addEventListener('click', () => watching && void cancelExport(watching));
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    if (shownSummary?.has_data) renderCharts(shownSummary, formatters(shownSummary.currency.code));
  }, 150);
});
// The workspace's currency and zone are the defaults of the first summary, and its user tells
// the reports list which exports are "yours".
void loadWorkspace().then(() => {
  void loadSummary();
  void loadReports().then((jobs) => {
    // A reload resumes watching exports still in flight.
    const running = jobs.find((j) => j.status === 'PENDING' || j.status === 'RUNNING');
    if (running) void watch(running.job_id);
  });
});
