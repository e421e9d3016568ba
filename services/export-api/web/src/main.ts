import { formatters } from '@wevion/shared/report-format.ts';
import { setUpCsvDialog } from './csv-dialog.ts';
import { EXPORT_FORMATS } from '@wevion/shared/api-contract.ts';
import { $, el } from './dom.ts';
import {
  cancelExport,
  lastRequest,
  setUpMenu,
  syncScheduleItem,
  startExport,
  watch,
  watching,
} from './export-bar.ts';
import { loadReports } from './reports.ts';
import { openScheduleDialog, setUpScheduleDialog } from './schedule-dialog.ts';
import { loadSchedules, scheduleBlocker } from './schedules.ts';
import { loadSummary, refreshSummary, renderCharts, shownSummary } from './summary.ts';
import { setUpForm } from './view-form.ts';
import { loadWorkspace } from './workspace.ts';

/* The /analytics page: wires the sections together and loads the workspace first. */
setUpForm();
$('report-format').append(...EXPORT_FORMATS.map((f) => el('option', { value: f, textContent: f })));
const csvDialog = setUpCsvDialog();
setUpMenu(csvDialog);
setUpScheduleDialog({ csv: csvDialog.choices, saved: () => void loadSchedules() });
$('new-schedule').addEventListener('click', () => openScheduleDialog());
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
  syncScheduleItem(scheduleBlocker());
  void loadSchedules();
  void loadSummary();
  void loadReports().then((jobs) => {
    // A reload resumes watching exports still in flight.
    const running = jobs.find((j) => j.status === 'PENDING' || j.status === 'RUNNING');
    if (running) void watch(running.job_id);
  });
});
