import type { ScheduleRunView, ScheduleView } from '@wevion/shared/api-contract.ts';
import { PLATFORM_LABELS, type Platform } from '@wevion/shared/platforms.ts';
import {
  dateRange,
  dateTime,
  describeRecurrence,
  SCHEDULE_RANGE_LABELS,
} from '@wevion/shared/report-format.ts';
import { api, ApiError } from './api.ts';
import { announce, cell, el, $ } from './dom.ts';
import { loadReports } from './reports.ts';
import { openScheduleDialog } from './schedule-dialog.ts';
import { BILLING, billingLink, workspace } from './workspace.ts';

/* The Schedules section: every schedule, its next run and last result, and what to do with it. */

/** Why schedules cannot be made here, or null when they can. */
export function scheduleBlocker(): string | null {
  if (!workspace) return null;
  if (workspace.user.export_blocked) return workspace.user.export_blocked.message;
  if (workspace.features.scheduled_exports === 0)
    return `Your ${workspace.plan.label} plan includes no scheduled exports. Upgrade at ${BILLING}.`;
  return null;
}

const OUTCOME_TEXT: Record<ScheduleRunView['outcome'], string> = {
  pending: 'Starting',
  job: '',
  missed: 'Missed',
  skipped_overlap: 'Skipped: the previous run was still going',
  skipped_quota: 'Skipped: monthly exports used',
  skipped_gate: 'Skipped',
};

function runResult(run: ScheduleRunView | null): (Node | string)[] {
  if (!run) return [el('span', { className: 'muted', textContent: 'Not run yet' })];
  const when = dateTime(run.scheduled_for, $('schedule-rows').dataset.zone ?? 'UTC');
  const status =
    run.outcome === 'job'
      ? el('span', {
          className: `badge ${(run.job_status ?? 'pending').toLowerCase()}`,
          textContent: run.job_status ?? 'PENDING',
        })
      : el('span', { className: 'badge skipped', textContent: OUTCOME_TEXT[run.outcome] });
  return [
    status,
    el('div', { className: 'sub', textContent: `${when} · ${dateRange(run.since, run.until)}` }),
    ...(run.reason && run.outcome !== 'job'
      ? [el('div', { className: 'sub', textContent: run.reason.message })]
      : []),
  ];
}

export async function loadSchedules() {
  const rows = $('schedule-rows');
  const blocker = scheduleBlocker();
  $('schedules-blocked').replaceChildren(
    ...(blocker && workspace?.features.scheduled_exports === 0
      ? [
          `Your ${workspace.plan.label} plan includes no scheduled exports. `,
          billingLink('Upgrade'),
        ]
      : []),
  );
  $('new-schedule').hidden = blocker !== null;
  try {
    const { schedules } = await api<{ schedules: ScheduleView[] }>(
      '/api/v1/analytics/schedules?limit=100',
    );
    rows.dataset.zone = workspace?.timezone ?? 'UTC';
    rows.replaceChildren(
      ...(schedules.length
        ? schedules.map(scheduleRow)
        : [
            el(
              'tr',
              {},
              el('td', {
                colSpan: 5,
                className: 'muted',
                textContent: blocker
                  ? 'No schedules.'
                  : 'No schedules yet: Export → Schedule… sends the same report every week or month.',
              }),
            ),
          ]),
    );
  } catch (error) {
    if (error instanceof ApiError)
      rows.replaceChildren(
        el('tr', {}, el('td', { colSpan: 5, className: 'error-text', textContent: error.message })),
      );
  }
}

/** A button that does one thing to a schedule, then redraws the list. */
function action(label: string, run: () => Promise<unknown>, done: string) {
  const button = el('button', { type: 'button', className: 'link', textContent: label });
  button.addEventListener('click', () => {
    button.disabled = true;
    run().then(
      () => {
        announce(done);
        void loadSchedules();
        void loadReports();
      },
      (error: unknown) => {
        button.disabled = false;
        button.replaceWith(
          el('span', { className: 'error-text', textContent: (error as Error).message }),
        );
      },
    );
  });
  return button;
}

function scheduleRow(schedule: ScheduleView): HTMLTableRowElement {
  const base = `/api/v1/analytics/schedules/${schedule.schedule_id}`;
  const post = (path: string) => () => api(`${base}/${path}`, { method: 'POST' });
  const editable = !workspace?.user.export_blocked;
  const paused = schedule.status === 'paused';
  const platforms = schedule.export.platforms.map((p) => PLATFORM_LABELS[p as Platform] ?? p);
  const history = el('button', { type: 'button', className: 'link', textContent: 'History' });
  history.setAttribute('aria-expanded', 'false');
  const row = el(
    'tr',
    { className: paused ? 'status-paused' : '' },
    cell(
      'Schedule',
      '',
      schedule.name,
      el('div', {
        className: 'sub',
        textContent: `${schedule.export.format} · ${SCHEDULE_RANGE_LABELS[schedule.range]} · ${platforms.join(', ')}`,
      }),
    ),
    cell(
      'When',
      '',
      describeRecurrence(schedule.recurrence),
      el('div', { className: 'sub', textContent: schedule.timezone }),
    ),
    cell(
      'Next run',
      '',
      ...(paused
        ? [
            el('span', { className: 'badge paused', textContent: 'PAUSED' }),
            el('div', {
              className: 'sub warning',
              textContent: schedule.paused_reason?.message ?? '',
            }),
          ]
        : [dateTime(schedule.next_runs[0] ?? '', schedule.timezone)]),
    ),
    cell('Last result', '', ...runResult(schedule.last_run)),
    cell(
      '',
      'action',
      el(
        'div',
        { className: 'actions' },
        ...(editable
          ? [
              action(
                'Run now',
                post('run'),
                `"${schedule.name}" is running now; it appears in Reports.`,
              ),
              paused
                ? action('Resume', post('resume'), `"${schedule.name}" resumed.`)
                : action('Pause', post('pause'), `"${schedule.name}" paused.`),
              (() => {
                const edit = el('button', {
                  type: 'button',
                  className: 'link',
                  textContent: 'Edit',
                });
                edit.addEventListener('click', () => openScheduleDialog(schedule));
                return edit;
              })(),
            ]
          : []),
        history,
        ...(editable
          ? [
              action(
                'Delete',
                async () => {
                  if (
                    !window.confirm(
                      `Delete "${schedule.name}"? Its reports stay in the Reports list.`,
                    )
                  )
                    throw new Error('Not deleted.');
                  await api(base, { method: 'DELETE' });
                },
                `"${schedule.name}" deleted.`,
              ),
            ]
          : []),
      ),
    ),
  );
  history.addEventListener('click', () => void toggleHistory(row, history, base));
  return row;
}

async function toggleHistory(row: HTMLTableRowElement, button: HTMLButtonElement, base: string) {
  const open = row.nextElementSibling?.classList.contains('history');
  if (open) {
    row.nextElementSibling!.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  const { runs } = await api<{ runs: ScheduleRunView[] }>(`${base}/runs?limit=20`);
  const items = runs.length
    ? runs.map((run) => el('li', {}, ...runResult(run)))
    : [el('li', { className: 'muted', textContent: 'No runs yet.' })];
  row.after(
    el(
      'tr',
      { className: 'history' },
      el('td', { colSpan: 5 }, el('ul', { className: 'run-history' }, ...items)),
    ),
  );
  button.setAttribute('aria-expanded', 'true');
}
