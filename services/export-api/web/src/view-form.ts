import { addDays, daysInclusive, isCalendarDate } from '@wevion/shared/calendar-date.ts';
import { MAX_DATE_RANGE_DAYS } from '@wevion/shared/api-contract.ts';
import {
  MAX_PLATFORMS_PER_REPORT,
  PLATFORM_LABELS,
  PLATFORMS,
  type Platform,
} from '@wevion/shared/platforms.ts';
import { $, el, today } from './dom.ts';
import { syncExportButton } from './workspace.ts';

/* The view: range, platforms, currency, time zone. */
/** The zones the picker offers besides the workspace default. */
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

export interface ViewQuery {
  since: string;
  until: string;
  platforms: Platform[];
  target_currency: string;
  timezone?: string;
}

export function setUpForm() {
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
export function readView(): { query: ViewQuery } | { problem: string } {
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

export function showProblem(problem: string) {
  $('range-error').textContent = problem;
  ($('until') as HTMLInputElement).setAttribute(
    'aria-invalid',
    problem.includes('range') || problem.includes('date') ? 'true' : 'false',
  );
}

export const checkedPlatforms = () => [
  ...document.querySelectorAll<HTMLInputElement>('input[name=platform]:checked'),
];

/** At the most a report holds, the other chips are disabled and say why. */
export function syncPlatforms() {
  const full = checkedPlatforms().length >= MAX_PLATFORMS_PER_REPORT;
  const reason = `A report holds at most ${MAX_PLATFORMS_PER_REPORT} platforms; untick one to choose another.`;
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name=platform]')) {
    box.disabled = full && !box.checked;
    box.parentElement!.title = box.disabled ? reason : '';
  }
  $('platforms-hint').textContent = full ? reason : '';
  syncExportButton();
}
