import {
  EXPORT_FORMAT_SPECS,
  EXPORT_FORMATS,
  type ExportFormat,
} from '@wevion/shared/api-contract.ts';
import { count, dateRange, humanizeDates } from '@wevion/shared/report-format.ts';
import { api, ApiError, type JobView } from './api.ts';
import type { CsvChoices, setUpCsvDialog } from './csv-dialog.ts';
import { $, announce, el } from './dom.ts';
import { loadReports } from './reports.ts';
import { openScheduleDialog } from './schedule-dialog.ts';
import { readView, showProblem } from './view-form.ts';
import { loadWorkspace, showGate, zone } from './workspace.ts';

/* The export menu and the export bar that follows a job to its end. */
const STAGES: Record<string, string> = {
  queued: 'Report queued',
  aggregating: 'Crunching the numbers',
  rendering: 'Rendering',
  uploading: 'Saving the file',
  done: 'Ready',
};

/** What each format is for, as the menu says it. */
const FORMAT_HINTS: Readonly<Record<ExportFormat, string>> = {
  CSV: 'rows and columns for spreadsheets and BI',
  PDF: 'branded report for clients',
  XLSX: 'Excel workbook: real dates, numbers and money',
};

/** One item per format; a format that takes a layout asks for it in the layout dialog first. */
function menuItems(): HTMLLIElement[] {
  return EXPORT_FORMATS.map((format) => {
    const takesLayout = EXPORT_FORMAT_SPECS[format].takesLayout;
    const item = el(
      'button',
      { type: 'button' },
      `${format}${takesLayout ? '…' : ''} `,
      el('small', { textContent: FORMAT_HINTS[format] }),
    );
    item.setAttribute('role', 'menuitem');
    item.dataset.format = format;
    if (takesLayout) item.setAttribute('aria-haspopup', 'dialog');
    const li = el('li', {}, item);
    li.setAttribute('role', 'none');
    return li;
  });
}

/** The last item: a schedule of the current view, disabled with the reason when none can be. */
function scheduleItem(): HTMLLIElement {
  const item = el(
    'button',
    { type: 'button', id: 'schedule-item' },
    'Schedule… ',
    el('small', { id: 'schedule-item-hint', textContent: 'the same report every week or month' }),
  );
  item.setAttribute('role', 'menuitem');
  item.setAttribute('aria-haspopup', 'dialog');
  const li = el('li', { className: 'separated' }, item);
  li.setAttribute('role', 'none');
  return li;
}

/** Whether the Schedule… item works, and if not, why (the plan, the role, the subscription). */
export function syncScheduleItem(blocker: string | null) {
  const item = $<HTMLButtonElement>('schedule-item');
  item.setAttribute('aria-disabled', String(blocker !== null));
  item.dataset.blocked = blocker ?? '';
  $('schedule-item-hint').textContent = blocker ?? 'the same report every week or month';
}

export function setUpMenu(csvDialog: ReturnType<typeof setUpCsvDialog>) {
  const button = $('export-button');
  const menu = $('export-menu');
  menu.append(...menuItems(), scheduleItem());
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
      // A disabled item stays focusable, so its reason can be read; it does nothing.
      if (item.getAttribute('aria-disabled') === 'true') return;
      open(false);
      button.focus();
      if (item.id === 'schedule-item') {
        openScheduleDialog();
        return;
      }
      const format = item.dataset.format as ExportFormat;
      if (EXPORT_FORMAT_SPECS[format].takesLayout) csvDialog.open(format);
      else void startExport(format);
    });
  }
}

export let lastRequest: { format: ExportFormat; csv: CsvChoices | undefined } | null = null;

/**
 * Job failures another attempt can fix: a crash, a time-out, data that expired. The others
 * (a currency without rates, a refused query) would fail the same way again.
 */
const RETRYABLE_JOB_ERRORS = new Set(['processing_failed', 'timeout', 'dataset_missing']);

export function bar(
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

export async function startExport(format: ExportFormat, csv?: CsvChoices) {
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
export let watching: string | null = null;

/**
 * Stops a PENDING or RUNNING job; the poll that follows shows it ended. A refusal (it finished
 * first) is said in `where`, the place the user clicked, as well as to screen readers.
 */
export async function cancelExport(jobId: string, where?: HTMLElement) {
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
export async function watch(jobId: string) {
  watching = jobId;
  try {
    await follow(jobId);
  } finally {
    if (watching === jobId) watching = null;
  }
}

export async function follow(jobId: string) {
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
