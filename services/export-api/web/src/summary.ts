import type { SummaryView } from '@wevion/shared/api-contract.ts';
import { PLATFORM_LABELS, PLATFORMS } from '@wevion/shared/platforms.ts';
import { chartTheme, donutSvg, PLATFORM_COLORS, trendSvg } from '@wevion/shared/report-charts.ts';
import { SPEC_METRICS } from '@wevion/shared/report-dataset.ts';
import {
  dateRange,
  formatters,
  humanizeDates,
  METRIC_LABELS,
  noDataMessage,
} from '@wevion/shared/report-format.ts';
import { api, ApiError } from './api.ts';
import { $, cell, el } from './dom.ts';
import { readView, showProblem } from './view-form.ts';
import { showGate, syncExportButton, workspace, zone } from './workspace.ts';

/* The on-screen summary: the same engine as the exports. */

/** The KPI strip: the PDF's nine cards (the spec's metrics), in its order. */
const KPIS = SPEC_METRICS;

let summaryTimer: number | undefined;
export function refreshSummary() {
  clearTimeout(summaryTimer);
  // What is on screen no longer matches the form: say so until the new figures arrive.
  $('kpis-stale').hidden = false;
  $('kpis').setAttribute('aria-busy', 'true');
  summaryTimer = window.setTimeout(loadSummary, 250);
}

export async function loadSummary() {
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
    const summary = await api<SummaryView>(`/api/v1/analytics/summary?${params}`);
    renderSummary(summary);
  } catch (error) {
    if (error instanceof ApiError && !showGate(error)) showProblem(error.message);
  } finally {
    $('kpis').setAttribute('aria-busy', 'false');
    $('kpis-stale').hidden = true;
  }
}

export let shownSummary: SummaryView | null = null;

export function renderSummary(summary: SummaryView) {
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
export function renderCharts(summary: SummaryView, f: ReturnType<typeof formatters>) {
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
