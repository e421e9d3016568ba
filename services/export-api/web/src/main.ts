import { addDays, daysInclusive, isCalendarDate } from '@wevion/shared/calendar-date.ts';
import { ECB_REFERENCE_CURRENCIES } from '@wevion/shared/currencies.ts';
import {
  MAX_PLATFORMS_PER_REPORT,
  PLATFORM_LABELS,
  PLATFORMS,
  type Platform,
} from '@wevion/shared/platforms.ts';
import type { PlatformTotal } from '@wevion/shared/report-dataset.ts';
import { api, ApiError, type JobView } from './api.ts';

const MAX_DAYS = 90;
/** The ECB reference set the API accepts; a currency without rates fails with a clear error. */
const CURRENCIES = ECB_REFERENCE_CURRENCIES;
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
const money = (v: number | null, currency: string) =>
  v === null
    ? '–'
    : new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        currencyDisplay: 'narrowSymbol',
      }).format(v);
const count = (v: number | null) =>
  v === null ? '–' : new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(v);
// The PDF's number style (docs/api.md, "PDF"): rates one decimal, ROAS two, changes one.
const percent = (v: number | null) =>
  v === null
    ? '–'
    : new Intl.NumberFormat(undefined, {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).format(v);
const roas = (v: number | null) =>
  v === null
    ? '–'
    : `${new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v)}×`;
const change = (v: number | null) =>
  v === null
    ? ''
    : new Intl.NumberFormat(undefined, {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
        signDisplay: 'exceptZero',
      }).format(v);
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
  $('currency').append(...CURRENCIES.map((c) => el('option', { value: c, textContent: c })));
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
    if (days > MAX_DAYS)
      return {
        problem: `That range is ${days} days; exports cover at most ${MAX_DAYS}. Split it into shorter ranges.`,
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
  plan: { label: string };
  subscription: { active: boolean };
  quota: { limit: number | null; remaining: number | null; resets_at: string };
}

let workspace: WorkspaceView | null = null;

/** Defaults from the workspace (currency, zone), the quota line, and export rights. */
async function loadWorkspace() {
  try {
    workspace = await api<WorkspaceView>('/api/v1/workspaces/current');
  } catch (error) {
    if (error instanceof ApiError) showGate(error);
    return;
  }
  const currency = $<HTMLSelectElement>('currency');
  if (!currency.dataset.touched) {
    if (![...currency.options].some((o) => o.value === workspace!.currency))
      currency.append(el('option', { value: workspace.currency, textContent: workspace.currency }));
    currency.value = workspace.currency;
  }
  $<HTMLSelectElement>('timezone').options[0]!.textContent =
    `Workspace default (${workspace.timezone})`;
  const { limit, remaining, resets_at: resetsAt } = workspace.quota;
  // Quota months are UTC months: the 1st is the 1st wherever the user is.
  const renews = new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(resetsAt));
  $('quota').textContent =
    limit === null
      ? `Unlimited exports on ${workspace.plan.label}`
      : `${remaining} of ${limit} exports left this month · renews ${renews}`;
  if (!workspace.subscription.active) showBillingBanner();
  syncExportButton();
}

/** Export is disabled, with the reason beside it, whenever an export could not start. */
function syncExportButton() {
  const quota = workspace?.quota;
  const reason =
    workspace?.user.export_blocked?.message ??
    (quota && quota.remaining === 0
      ? `All ${quota.limit} exports of this month are used; they renew on the 1st.`
      : checkedPlatforms().length === 0
        ? 'Choose at least one platform to export.'
        : null);
  const button = $<HTMLButtonElement>('export-button');
  button.disabled = reason !== null;
  $('export-blocked').textContent = reason ?? '';
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
  period: { since: string; until: string; timezone: string };
  totals: Record<string, number | null>;
  platforms: PlatformTotal[];
  previous: {
    deltas: Record<string, { change_ratio: number | null; change: number | null }>;
  } | null;
  warnings: { message: string }[];
}

const KPIS: [string, string, 'money' | 'count' | 'percent' | 'roas', 'up' | 'down' | 'neutral'][] =
  [
    ['spend', 'Spend', 'money', 'neutral'],
    ['impressions', 'Impressions', 'count', 'up'],
    ['clicks', 'Clicks', 'count', 'up'],
    ['ctr', 'CTR', 'percent', 'up'],
    ['cpc', 'CPC', 'money', 'down'],
    ['conversions', 'Conversions', 'count', 'up'],
    ['roas', 'ROAS', 'roas', 'up'],
    ['cpa', 'CPA', 'money', 'down'],
  ];

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
  if ('problem' in view) {
    $('kpis-stale').hidden = true;
    $('kpis').setAttribute('aria-busy', 'false');
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

function renderSummary(summary: Summary) {
  const currency = summary.currency.code;
  const format = (kind: string, v: number | null) =>
    kind === 'money'
      ? money(v, currency)
      : kind === 'percent'
        ? percent(v)
        : kind === 'roas'
          ? roas(v)
          : count(v);
  $('period').textContent =
    `${summary.period.since} – ${summary.period.until} · ${summary.period.timezone}`;
  $('kpis').replaceChildren(
    ...KPIS.map(([key, label, kind, polarity]) => {
      const delta = summary.previous?.deltas[key];
      const tone =
        !delta?.change || polarity === 'neutral'
          ? 'neutral'
          : delta.change > 0 === (polarity === 'up')
            ? 'good'
            : 'bad';
      return el(
        'div',
        { className: 'kpi' },
        el('div', { className: 'kpi-label', textContent: label }),
        el('div', {
          className: 'kpi-value',
          textContent: format(kind, summary.totals[key] ?? null),
        }),
        delta && delta.change_ratio !== null
          ? el('div', {
              className: `kpi-change ${tone}`,
              textContent: `${change(delta.change_ratio)} vs previous`,
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
        ...[
          money(p.spend, currency),
          count(p.impressions),
          count(p.clicks),
          percent(p.ctr),
          money(p.cpc, currency),
          count(p.conversions),
          roas(p.roas),
          money(p.cpa, currency),
        ].map((v) => el('td', { className: 'num', textContent: v })),
      ),
    ),
  );
  $('warnings').replaceChildren(
    ...summary.warnings.map((w) => el('li', { textContent: w.message })),
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

function setUpCsvDialog() {
  const dialog = $<HTMLDialogElement>('csv-dialog');
  const form = $<HTMLFormElement>('csv-form');
  const granularity = $<HTMLSelectElement>('csv-granularity');
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
    granularity.value = 'day';
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

let lastRequest: { format: 'CSV' | 'PDF'; csv: CsvChoices | undefined } | null = null;

function bar(
  state: 'working' | 'done' | 'failed',
  title: string,
  detail: string,
  percentDone: number,
) {
  $('export-bar').hidden = false;
  $('export-bar').dataset.state = state;
  $('export-title').textContent = title;
  $('export-detail').textContent = detail;
  $('export-progress').style.width = `${percentDone}%`;
  $('export-retry').hidden = state !== 'failed';
  announce(`${title}. ${detail}`);
}

async function startExport(format: 'CSV' | 'PDF', csv?: CsvChoices) {
  const view = readView();
  if ('problem' in view) {
    showProblem(view.problem);
    return;
  }
  lastRequest = { format, csv };
  bar('working', 'Report queued', `${format} · ${view.query.since} – ${view.query.until}`, 2);
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
      if (!showGate(error) || error.reason === 'subscription_required')
        bar('failed', 'Export not started', error.message, 0);
    } else {
      bar(
        'failed',
        'Export not started',
        'The network failed; check your connection and retry.',
        0,
      );
    }
  }
}

/** Polls a job with backoff until it ends; a finished file downloads straight away. */
async function watch(jobId: string) {
  let delay = 500;
  for (;;) {
    const job = await api<JobView>(`/api/v1/analytics/export/${jobId}`);
    const stage = job.progress?.stage ?? 'queued';
    if (job.status === 'COMPLETED' && job.download_url) {
      // A warning (no data, a range ending in the future) travels with the file, not instead.
      const warnings = job.warnings.map((w) => w.message).join(' ');
      bar(
        'done',
        job.warnings.length ? 'Download started, with a warning' : 'Download started',
        [job.file?.filename ?? '', warnings].filter(Boolean).join(' · '),
        100,
      );
      window.location.assign(job.download_url);
      void loadReports();
      return;
    }
    if (job.status === 'FAILED') {
      bar('failed', 'Export failed', job.error?.message ?? 'The export failed.', 0);
      void loadReports();
      return;
    }
    const rows = job.progress?.rows;
    bar(
      'working',
      STAGES[stage] ?? 'Working',
      `${job.format} · ${job.progress?.percent ?? 0}%${rows ? ` · ${rows.toLocaleString('en')} rows` : ''}`,
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

const bytes = (n: number) =>
  n < 1024 * 1024
    ? `${Math.max(1, Math.round(n / 1024))} KB`
    : `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Enough to tell two reports of one range apart: who, what, how big, and what to know. */
function reportRow(job: JobView): HTMLTableRowElement {
  const requested = new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(job.created_at));
  const by = job.requested_by === workspace?.user.user_id ? 'you' : job.requested_by;
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
  } else if (job.status === 'FAILED') {
    action = el('span', { className: 'error-text', textContent: job.error?.message ?? 'Failed' });
  }
  const empty = job.warnings.some((w) => w.code === 'no_data');
  const facts = job.file ? `${job.file.rows.toLocaleString()} rows · ${bytes(job.file.bytes)}` : '';
  const status = el(
    'td',
    {},
    el('span', { className: `badge ${job.status.toLowerCase()}`, textContent: job.status }),
    ...(empty ? [' ', el('span', { className: 'badge empty', textContent: 'EMPTY' })] : []),
    ...(facts ? [el('div', { className: 'sub', textContent: facts })] : []),
    ...job.warnings.map((w) => el('div', { className: 'sub warning', textContent: w.message })),
  );
  return el(
    'tr',
    { className: `status-${job.status.toLowerCase()}` },
    el('td', {}, requested, el('div', { className: 'sub', textContent: `by ${by}` })),
    el('td', { textContent: job.format }),
    el(
      'td',
      {},
      `${job.params.since} – ${job.params.until}`,
      el('div', {
        className: 'sub',
        textContent: `${job.params.platforms.map((p) => PLATFORM_LABELS[p as Platform] ?? p).join(', ')} · ${job.params.target_currency}`,
      }),
    ),
    status,
    el('td', {}, action),
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
