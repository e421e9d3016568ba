import {
  EXPORT_FORMAT_SPECS,
  EXPORT_FORMATS,
  MAX_SCHEDULE_NAME_LENGTH,
  SCHEDULE_FREQUENCIES,
  SCHEDULE_RANGES,
  WEEKDAYS,
  type ExportFormat,
  type Recurrence,
  type ScheduleRange,
  type ScheduleView,
} from '@wevion/shared/api-contract.ts';
import { dateTime, SCHEDULE_RANGE_LABELS, WEEKDAY_LABELS } from '@wevion/shared/report-format.ts';
import { PLATFORM_LABELS } from '@wevion/shared/platforms.ts';
import { api, ApiError } from './api.ts';
import type { CsvChoices } from './csv-dialog.ts';
import { $, announce, el } from './dom.ts';
import { readView } from './view-form.ts';
import { workspace, zone } from './workspace.ts';

/* The schedule form: prefilled from the view, its next runs shown as it is edited. */

/** The view's preset as the schedule range closest to it. */
const RANGE_OF_PRESET: Record<string, ScheduleRange> = {
  '7': 'last_7_days',
  '30': 'last_30_days',
  '90': 'last_90_days',
};

const FREQUENCY_LABELS: Record<(typeof SCHEDULE_FREQUENCIES)[number], string> = {
  daily: 'Every day',
  weekly: 'Every week',
  monthly: 'Every month',
};

let editing: ScheduleView | null = null;
let csvChoices: () => CsvChoices = () => ({}) as CsvChoices;
let onSaved: () => void = () => undefined;

const form = () => $<HTMLFormElement>('schedule-form');
const field = <T extends HTMLElement>(name: string) => form().elements.namedItem(name) as T;

/** Fills the form's choices from the contract once. */
export function setUpScheduleDialog(options: { csv: () => CsvChoices; saved: () => void }) {
  csvChoices = options.csv;
  onSaved = options.saved;
  field<HTMLInputElement>('name').maxLength = MAX_SCHEDULE_NAME_LENGTH;
  field<HTMLSelectElement>('format').append(
    ...EXPORT_FORMATS.map((f) => el('option', { value: f, textContent: f })),
  );
  field<HTMLSelectElement>('range').append(
    ...SCHEDULE_RANGES.map((r) =>
      el('option', { value: r, textContent: SCHEDULE_RANGE_LABELS[r] }),
    ),
  );
  field<HTMLSelectElement>('frequency').append(
    ...SCHEDULE_FREQUENCIES.map((f) =>
      el('option', { value: f, textContent: FREQUENCY_LABELS[f] }),
    ),
  );
  $('schedule-days').append(
    ...WEEKDAYS.map((d) =>
      el(
        'label',
        {},
        el('input', { type: 'checkbox', name: 'day', value: d }),
        ` ${WEEKDAY_LABELS[d]}`,
      ),
    ),
  );
  field<HTMLSelectElement>('monthday').append(
    ...Array.from({ length: 31 }, (_, i) =>
      el('option', { value: String(i + 1), textContent: String(i + 1) }),
    ),
    el('option', { value: 'last', textContent: 'Last day' }),
  );
  let timer: number | undefined;
  form().addEventListener('input', () => {
    syncFrequency();
    clearTimeout(timer);
    timer = window.setTimeout(() => void preview(), 250);
  });
  $('schedule-cancel').addEventListener('click', () =>
    $<HTMLDialogElement>('schedule-dialog').close(),
  );
  form().addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });
}

function syncFrequency() {
  const frequency = field<HTMLSelectElement>('frequency').value;
  $('schedule-days').hidden = frequency !== 'weekly';
  $('schedule-monthday').hidden = frequency !== 'monthly';
  const format = field<HTMLSelectElement>('format').value as ExportFormat;
  $('schedule-layout').hidden = !EXPORT_FORMAT_SPECS[format].takesLayout;
}

/** Opens the form for a new schedule from the current view, or for `schedule` to change it. */
export function openScheduleDialog(schedule: ScheduleView | null = null) {
  editing = schedule;
  const view = readView();
  const preset = ($('preset') as HTMLSelectElement).value;
  const zoneChoice = 'query' in view ? (view.query.timezone ?? zone()) : zone();
  const set = (name: string, value: string) => (field<HTMLInputElement>(name).value = value);
  const recurrence: Recurrence = schedule?.recurrence ?? {
    frequency: 'weekly',
    days: ['MON'],
    time: '09:00',
  };
  set('name', schedule?.name ?? `${workspace?.name ?? 'Cross-Channel'} weekly report`);
  set('format', schedule?.export.format ?? 'PDF');
  set('range', schedule?.range ?? RANGE_OF_PRESET[preset] ?? 'previous_week');
  set('frequency', recurrence.frequency);
  set('time', recurrence.time);
  set('monthday', recurrence.frequency === 'monthly' ? String(recurrence.day) : '1');
  for (const box of form().querySelectorAll<HTMLInputElement>('input[name=day]'))
    box.checked =
      recurrence.frequency === 'weekly'
        ? recurrence.days.includes(box.value as never)
        : box.value === 'MON';
  const zones = field<HTMLSelectElement>('zone');
  zones.replaceChildren(
    ...[
      ...new Set([
        schedule?.timezone ?? zoneChoice,
        zone(),
        ...[...($('timezone') as HTMLSelectElement).options].map((o) => o.value).filter(Boolean),
      ]),
    ].map((z) => el('option', { value: z, textContent: z === zone() ? `${z} (workspace)` : z })),
  );
  zones.value = schedule?.timezone ?? zoneChoice;
  $('schedule-dialog-title').textContent = schedule ? 'Edit schedule' : 'Schedule an export';
  $('schedule-save').textContent = schedule ? 'Save changes' : 'Create schedule';
  $('schedule-error').textContent = '';
  $('schedule-scope').textContent =
    'query' in view
      ? `For ${view.query.platforms.map((p) => PLATFORM_LABELS[p]).join(', ')} in ${view.query.target_currency}, as on screen now.`
      : view.problem;
  syncFrequency();
  $<HTMLDialogElement>('schedule-dialog').showModal();
  field<HTMLInputElement>('name').focus();
  void preview();
}

/** The form as the API's schedule body; a problem instead when it cannot be one. */
function body(): { body: Record<string, unknown> } | { problem: string } {
  const value = (name: string) => field<HTMLInputElement>(name).value;
  const frequency = value('frequency');
  const days = [...form().querySelectorAll<HTMLInputElement>('input[name=day]:checked')].map(
    (b) => b.value,
  );
  if (frequency === 'weekly' && !days.length)
    return { problem: 'Choose at least one day of the week.' };
  const recurrence =
    frequency === 'weekly'
      ? { frequency, days, time: value('time') }
      : frequency === 'monthly'
        ? {
            frequency,
            day: value('monthday') === 'last' ? 'last' : Number(value('monthday')),
            time: value('time'),
          }
        : { frequency, time: value('time') };
  const format = value('format') as ExportFormat;
  // The platforms and currency of a new schedule are the view's; an edit keeps its own.
  const view = readView();
  const scope = editing
    ? { platforms: editing.export.platforms, target_currency: editing.export.target_currency }
    : 'query' in view
      ? { platforms: view.query.platforms, target_currency: view.query.target_currency }
      : null;
  if (!scope) return { problem: 'problem' in view ? view.problem : 'Choose platforms first.' };
  const layout = EXPORT_FORMAT_SPECS[format].takesLayout ? csvChoices() : {};
  return {
    body: {
      name: value('name'),
      export: { ...scope, format, ...layout },
      range: value('range'),
      recurrence,
      timezone: value('zone'),
    },
  };
}

/** The next three runs, in the schedule's zone, from the API (the one place that knows DST). */
async function preview() {
  const list = $('schedule-next-runs');
  const request = body();
  if ('problem' in request) {
    list.replaceChildren(el('li', { className: 'muted', textContent: request.problem }));
    return;
  }
  try {
    const { next_runs: runs } = await api<{ next_runs: string[] }>(
      '/api/v1/analytics/schedules/preview',
      {
        method: 'POST',
        body: JSON.stringify(request.body),
      },
    );
    const zoneName = field<HTMLSelectElement>('zone').value;
    list.replaceChildren(
      ...runs.map((run) => el('li', { textContent: `${dateTime(run, zoneName)} (${zoneName})` })),
    );
  } catch (error) {
    list.replaceChildren(
      el('li', { className: 'error-text', textContent: (error as Error).message }),
    );
  }
}

async function save() {
  const request = body();
  const error = $('schedule-error');
  if ('problem' in request) {
    error.textContent = request.problem;
    return;
  }
  try {
    const saved = editing
      ? await api<ScheduleView>(`/api/v1/analytics/schedules/${editing.schedule_id}`, {
          method: 'PATCH',
          body: JSON.stringify(request.body),
        })
      : await api<ScheduleView>('/api/v1/analytics/schedules', {
          method: 'POST',
          body: JSON.stringify(request.body),
        });
    $<HTMLDialogElement>('schedule-dialog').close();
    announce(
      `Schedule "${saved.name}" saved; next run ${saved.next_runs[0] ? dateTime(saved.next_runs[0], saved.timezone) : 'when resumed'}.`,
    );
    onSaved();
  } catch (failure) {
    error.textContent =
      failure instanceof ApiError
        ? failure.message
        : 'The network failed; check your connection and try again.';
  }
}
