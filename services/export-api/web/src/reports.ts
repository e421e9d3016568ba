import { EXPORT_FORMAT_SPECS } from '@wevion/shared/api-contract.ts';
import { PLATFORM_LABELS, type Platform } from '@wevion/shared/platforms.ts';
import {
  count,
  dateRange,
  dateTime,
  fileSize,
  humanizeDates,
} from '@wevion/shared/report-format.ts';
import { api, ApiError, type JobView } from './api.ts';
import { announce, cell, el, $ } from './dom.ts';
import { cancelExport } from './export-bar.ts';
import { showGate, workspace, zone } from './workspace.ts';

/* The reports history: every export of the workspace, newest first. */
let reportsCursor: string | null = null;

export async function loadReports(append = false) {
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
export function csvShape(params: NonNullable<JobView['params']>): string {
  const dims = params.dimensions ?? [];
  const per = dims.length > 1 ? `${dims.slice(0, -1).join(', ')} and ${dims.at(-1)}` : dims[0];
  return params.granularity && params.granularity !== 'total' && dims.includes('date')
    ? `per ${per} · by ${params.granularity}`
    : `per ${per} · whole period`;
}

/** Enough to tell two reports of one range apart: who, what, how big, and what to know. */
export function reportRow(job: JobView): HTMLTableRowElement {
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
    cell(
      'Requested',
      '',
      requested,
      el('div', { className: 'sub', textContent: `by ${by}` }),
      ...(job.schedule_name
        ? [el('div', { className: 'sub', textContent: `Scheduled: ${job.schedule_name}` })]
        : []),
    ),
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
