import {
  DEFAULT_CSV_LAYOUT,
  DIMENSIONS,
  GRANULARITIES,
  type ExportFormat,
} from '@wevion/shared/api-contract.ts';
import { METRIC_NAMES } from '@wevion/shared/report-dataset.ts';
import {
  DIMENSION_LABELS,
  GRANULARITY_LABELS,
  METRIC_LABELS,
} from '@wevion/shared/report-format.ts';
import { $, el } from './dom.ts';
import { startExport } from './export-bar.ts';

/* The CSV dialog: the layout's choices, drawn from the API contract. */

/** What the CSV dialog adds to an export request; the API fills in anything left out. */
export interface CsvChoices {
  dimensions: string[];
  granularity: string;
  metrics: string[];
  include_currency: boolean;
  csv_bom: boolean;
}

/** The dialog's choices, from the contract: checked where the API's default layout has them. */
export function fillCsvChoices(granularity: HTMLSelectElement) {
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

export function setUpCsvDialog() {
  // The format the dialog was opened for.
  let format: ExportFormat = 'CSV';
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
  const checked = (name: string) => boxes(name).filter((b) => b.checked);
  const current = (): CsvChoices => ({
    dimensions: checked('dimension').map((b) => b.value),
    granularity: granularity.value,
    metrics: checked('metric').map((b) => b.value),
    include_currency: checked('include_currency').length > 0,
    // A byte-order mark is a CSV matter; a workbook has its own encoding.
    csv_bom: format === 'CSV' && checked('csv_bom').length > 0,
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const choices = current();
    const problem = !choices.dimensions.length
      ? 'Choose at least one thing to have a row per.'
      : !choices.metrics.length
        ? 'Choose at least one metric.'
        : null;
    $('csv-error').textContent = problem ?? '';
    if (problem) return;
    dialog.close();
    void startExport(format, choices);
  });
  return {
    /** The layout as the dialog holds it now: a schedule of a layout format takes it too. */
    choices: current,
    /** Opens the layout for a format that takes one (CSV, XLSX): the title and button say which. */
    open(chosen: ExportFormat) {
      format = chosen;
      $('csv-dialog-title').textContent = `Export ${chosen}`;
      $('csv-export').textContent = `Export ${chosen}`;
      $('csv-byte-order').hidden = chosen !== 'CSV';
      syncGranularity();
      dialog.showModal();
      boxes('dimension')[0]!.focus();
    },
  };
}
