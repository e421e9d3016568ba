/// <reference lib="dom" />
import chromium from '@sparticuz/chromium';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startLocalSystem, type LocalSystem } from '../src/local-system.ts';
import { readXlsx } from '@wevion/testing/xlsx-reader.ts';

const root = new URL('../../', import.meta.url).pathname;

/** The in-app page in real Chromium against the whole running system. */
describe('the /analytics page in a browser', function () {
  this.timeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'wevion-ui-'));
  const logs: string[] = [];
  let system: LocalSystem;
  let browser: Browser;

  before(async () => {
    system = await startLocalSystem({
      root,
      dataDir,
      jwtSecret: 'ui-secret-ui-secret-ui-secret-ui-secret!',
      insightsPath: join(dataDir, 'insights.duckdb'),
      // ws_acme, ws_nova and ws_kumo (JPY) have data; ws_lotus has its feature switched off.
      seedArgs: ['--workspaces', '3', '--platforms', '4', '--campaigns', '3', '--days', '120'],
      // A quick reconciler sends ws_kumo's seeded requests through the pipeline early.
      env: { QUEUE_WAIT_SECONDS: '1', RECONCILE_INTERVAL_SECONDS: '2' },
      onLog: (service, line) => logs.push(`[${service}] ${line}`),
    });
    browser = await puppeteer.launch({
      executablePath: await chromium.executablePath(),
      args: chromium.args.filter((a) => a !== '--single-process'),
      headless: true,
    });
  });

  after(async function () {
    if (this.currentTest?.state === 'failed') console.log(logs.slice(-40).join('\n'));
    await browser?.close();
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function openPage(downloads: string, token?: string): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 900 });
    if (token)
      await page.evaluateOnNewDocument((t) => sessionStorage.setItem('wevion.token', t), token);
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.goto(`${system.apiUrl}/analytics`, { waitUntil: 'networkidle0' });
    return page;
  }

  async function download(dir: string, suffix: string): Promise<Buffer> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const file = readdirSync(dir).find((f) => f.endsWith(suffix));
      if (file && existsSync(join(dir, file))) return readFileSync(join(dir, file));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ${suffix} downloaded into ${dir}`);
  }

  /** Export → format; a CSV goes through its dialog with the defaults. */
  async function exportAs(page: Page, format: 'CSV' | 'PDF' | 'XLSX') {
    await page.click('#export-button');
    await page.waitForSelector('#export-menu:not([hidden])');
    await page.click(`#export-menu [data-format="${format}"]`);
    if (format !== 'PDF') {
      await page.waitForSelector('#csv-dialog[open]');
      assert.equal(await text(page, '#csv-dialog-title'), `Export ${format}`);
      await page.click('#csv-export');
    }
  }

  const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '');

  it('when the page opens, then the on-screen KPIs come from the engine and the menu works by keyboard', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.waitForFunction(() => document.querySelectorAll('.kpi').length === 9);
    assert.match(await text(page, '#kpis'), /Spend.*€[\d,]+\.\d\d/);
    // The PDF's number style on screen too: ROAS and CTR two decimals, and a change names what
    // it compares with.
    assert.match(await text(page, '#kpis'), /ROAS\d+\.\d\d×/);
    assert.match(await text(page, '#kpis'), /CTR\d+\.\d\d%/);
    assert.match(await text(page, '#kpis'), /CPA€[\d,.]+(?:[+−]\d+\.\d%|0\.0%) vs €[\d,.]+/);
    for (const cell of await page.$$eval('#platform-rows td', (tds) =>
      tds.map((t) => t.textContent!),
    ))
      if (cell.endsWith('×')) assert.match(cell, /^\d[\d,]*\.\d\d×$/);
    assert.equal((await page.$$('#platform-rows tr')).length, 3);
    await page.focus('#export-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#export-menu:not([hidden])');
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-format')),
      'CSV',
    );
    await page.keyboard.press('ArrowDown');
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-format')),
      'PDF',
    );
    await page.keyboard.press('Escape');
    assert.equal(await page.$eval('#export-menu', (e) => (e as HTMLElement).hidden), true);
    await page.close();
  });

  it('when a custom range is over 90 days, then the picker says so before anything is sent', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.select('#preset', 'custom');
    await page.$eval('#since', (e) => ((e as HTMLInputElement).value = '2026-01-01'));
    await page.$eval('#until', (e) => ((e as HTMLInputElement).value = '2026-06-30'));
    await page.$eval('#until', (e) => e.dispatchEvent(new Event('change', { bubbles: true })));
    await page.waitForFunction(() =>
      document.getElementById('range-error')!.textContent!.includes('181 days'),
    );
    assert.match(await text(page, '#range-error'), /at most 90/);
    await page.close();
  });

  it('when the range holds no data at all, then the overview says so instead of showing zeros', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.waitForFunction(() => document.querySelectorAll('.kpi').length === 9);
    await page.select('#preset', 'custom');
    await page.$eval('#since', (e) => ((e as HTMLInputElement).value = '2024-03-01'));
    await page.$eval('#until', (e) => ((e as HTMLInputElement).value = '2024-03-07'));
    await page.$eval('#until', (e) => e.dispatchEvent(new Event('change', { bubbles: true })));
    await page.waitForSelector('#kpis .no-data');
    assert.match(await text(page, '#kpis'), /No ad data in this range/);
    assert.match(await text(page, '#kpis'), /reported no activity between 1 Mar 2024 – 7 Mar 2024/);
    assert.equal((await page.$$('.kpi')).length, 0, 'no zero cards');
    assert.equal(
      await page.$eval('.charts', (e) => getComputedStyle(e).display),
      'none',
      'no empty charts',
    );
    await page.close();
  });

  it('when Export → CSV, PDF and XLSX are chosen, then each file downloads and the history lists them', async () => {
    const dir = mkdtempSync(join(dataDir, 'dl-'));
    const page = await openPage(dir);
    await exportAs(page, 'CSV');
    const csv = await download(dir, '.csv');
    assert.equal(
      csv.toString('utf8').split('\r\n')[0],
      'date,platform,spend,impressions,clicks,ctr,cpc,cpm,conversions,roas,cpa',
    );
    await page.waitForFunction(() =>
      document.getElementById('live')!.textContent!.includes('Download started'),
    );
    await exportAs(page, 'PDF');
    const pdf = await download(dir, '.pdf');
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    // XLSX… opens the same layout dialog, titled for it, and a workbook lands.
    await exportAs(page, 'XLSX');
    const workbook = await readXlsx(await download(dir, '.xlsx'));
    assert.deepEqual(
      workbook.sheet('Data').rows[0]!.map((c) => c!.value),
      [
        'date',
        'platform',
        'spend',
        'impressions',
        'clicks',
        'ctr',
        'cpc',
        'cpm',
        'conversions',
        'roas',
        'cpa',
      ],
    );
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#report-rows tr')].map(
        (r) => r.textContent ?? '',
      );
      return (
        rows.some((r) => r.includes('PDF') && r.includes('COMPLETED')) &&
        rows.some((r) => r.includes('CSV') && r.includes('COMPLETED'))
      );
    });
    await page.close();
  });

  it('when the CSV dialog is used, then its defaults are the spec’s file and its choices shape the download', async () => {
    const dir = mkdtempSync(join(dataDir, 'dl-'));
    const page = await openPage(dir);
    await page.click('#export-button');
    await page.click('#export-menu [data-format="CSV"]');
    await page.waitForSelector('#csv-dialog[open]');
    const checked = (name: string) =>
      page.$$eval(`#csv-form input[name="${name}"]:checked`, (boxes) =>
        boxes.map((b) => (b as HTMLInputElement).value),
      );
    assert.deepEqual(await checked('dimension'), ['date', 'platform']);
    assert.equal((await checked('metric')).length, 9);
    assert.equal(
      await page.$eval('#csv-granularity', (s) => (s as HTMLSelectElement).value),
      'day',
    );

    // Without a date, dates can only be grouped over the whole period.
    await page.click('#csv-form input[value="date"]');
    await page.click('#csv-form input[value="platform"]');
    await page.click('#csv-form input[value="campaign"]');
    assert.equal(
      await page.$eval('#csv-granularity', (s) => (s as HTMLSelectElement).disabled),
      true,
    );
    await page.click('#csv-form input[value="conversion_value"]');
    for (const metric of ['ctr', 'cpc', 'cpm', 'conversions', 'roas', 'cpa', 'impressions']) {
      await page.click(`#csv-form input[value="${metric}"]`);
    }
    await page.click('#csv-form input[name="include_currency"]');
    await page.click('#csv-export');
    const csv = (await download(dir, '.csv')).toString('utf8');
    const [header, first] = csv.split('\r\n');
    assert.equal(header, 'campaign_id,campaign_name,currency,spend,clicks,conversion_value');
    assert.match(first!, /,EUR,\d+\.\d\d,\d+,\d+\.\d\d$/);
    assert.ok(readdirSync(dir).some((f) => /_EUR_campaign_total\.csv$/.test(f)));

    // Nothing to have a row per: the dialog says so and sends nothing.
    await page.click('#export-button');
    await page.click('#export-menu [data-format="CSV"]');
    await page.waitForSelector('#csv-dialog[open]');
    assert.deepEqual(await checked('dimension'), ['campaign'], 'the dialog keeps the last choices');
    await page.click('#csv-form input[value="campaign"]');
    await page.click('#csv-export');
    assert.match(await text(page, '#csv-error'), /at least one thing to have a row per/);
    await page.click('#csv-reset');
    assert.deepEqual(await checked('dimension'), ['date', 'platform']);
    await page.keyboard.press('Escape');
    assert.equal(await page.$eval('#csv-dialog', (d) => (d as HTMLDialogElement).open), false);
    await page.close();
  });

  it('when an export fails for a reason a retry cannot fix, then the bar shows its error without Retry, and the history keeps it', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.select('#currency', 'ZAR'); // accepted by the API (ECB set); the demo store has no ZAR rates, so the job fails
    await exportAs(page, 'CSV');
    await page.waitForFunction(
      () => document.getElementById('export-title')!.textContent === 'Export failed',
      { timeout: 60_000 },
    );
    assert.match(await text(page, '#export-detail'), /No exchange rates for ZAR are loaded/);
    // The same request would fail the same way: no Retry button to tempt anyone.
    assert.equal(await page.$eval('#export-retry', (e) => (e as HTMLElement).hidden), true);
    await page.waitForFunction(() =>
      document.getElementById('report-rows')!.textContent!.includes('No exchange rates for ZAR'),
    );
    await page.close();
  });

  it('when reports are listed, then each row says who asked, for which platforms and currency, and how big it is', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.waitForFunction(() =>
      document.getElementById('report-rows')!.textContent!.includes('rows ·'),
    );
    const completed = await page.$$eval('#report-rows tr.status-completed', (rows) =>
      rows.map((r) => r.textContent ?? ''),
    );
    const csv = completed.find((r) => r.includes('CSV'))!;
    assert.match(csv, /by you/);
    assert.match(csv, /(Meta|Google Ads|TikTok)(, [A-Za-z ]+)* · [A-Z]{3}/);
    assert.match(csv, /\d[\d,]* rows · \d+(\.\d)? (KB|MB)/);
    // A CSV row says its layout; a PDF's size stands alone (its pages are not rows).
    assert.match(csv, /CSVper [a-z, ]+ · (by (day|week|month)|whole period)/);
    const pdf = completed.find((r) => r.includes('PDF'));
    if (pdf) assert.doesNotMatch(pdf, /rows ·/);
    await page.close();
  });

  it('when seeded history is listed, then every report is a real one: a size, a Download, no Cancel, who asked', async () => {
    const jobs = await seededJobsWhenFinished(system.tokens.ws_kumo!);
    assert.equal(jobs.length, 19, 'the history fills all but one export of the Starter quota');
    for (const job of jobs) {
      assert.equal(job.status, 'COMPLETED', `${job.job_id}: ${JSON.stringify(job.error)}`);
      assert.ok(job.file && job.file.bytes > 0, `${job.job_id} has a file`);
    }
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')), system.tokens.ws_kumo);
    await page.waitForFunction(() =>
      document.getElementById('report-rows')!.textContent!.includes('Tanaka'),
    );
    const rows = await page.$$eval('#report-rows tr', (trs) => trs.map((r) => r.textContent ?? ''));
    assert.ok(rows.length >= 5);
    for (const row of rows) {
      assert.match(row, /COMPLETED/, row);
      assert.match(row, /\d+(\.\d)? (KB|MB)/, `a size: ${row}`);
      assert.match(row, /Download (CSV|PDF)/, row);
      assert.doesNotMatch(row, /Cancel|No file/, row);
      assert.match(row, /by (Aiko Tanaka|Kenji Sato)/);
    }
    assert.ok(rows.some((r) => /CSV.*per date and platform · by day/.test(r)));
    await page.close();
  });

  /** ws_kumo's seeded requests, once none is PENDING or RUNNING any more. */
  async function seededJobsWhenFinished(token: string) {
    type Listed = {
      job_id: string;
      status: string;
      file: { bytes: number } | null;
      error: unknown;
    };
    const deadline = Date.now() + 150_000;
    for (;;) {
      const response = await fetch(`${system.apiUrl}/api/v1/analytics/export?limit=50`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { jobs } = (await response.json()) as { jobs: Listed[] };
      if (jobs.every((j) => j.status !== 'PENDING' && j.status !== 'RUNNING')) return jobs;
      if (Date.now() > deadline)
        throw new Error(`still unfinished: ${jobs.map((j) => j.status).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it('when Export → Schedule… is chosen, then a form prefilled from the view previews the next runs, and the saved schedule is listed, runs now and pauses', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.select('#preset', '7');
    await page.click('#export-button');
    await page.click('#schedule-item');
    await page.waitForFunction(
      () => document.querySelectorAll('#schedule-next-runs li').length === 3,
    );
    const form = await page.evaluate(() => ({
      range: (document.getElementById('schedule-range') as HTMLSelectElement).value,
      zone: (document.getElementById('schedule-zone') as HTMLSelectElement).value,
      scope: document.getElementById('schedule-scope')!.textContent,
      runs: [...document.querySelectorAll('#schedule-next-runs li')].map((li) => li.textContent),
    }));
    assert.equal(form.range, 'last_7_days', 'the view’s range');
    assert.equal(form.zone, 'Europe/Berlin', 'the workspace’s zone');
    assert.match(form.scope!, /Meta, Google Ads, TikTok in EUR/);
    for (const run of form.runs) assert.match(run!, /\d+ \w+ \d{4}, 09:00 \(Europe\/Berlin\)/);
    // Monthly on the last day: the preview follows the edit.
    await page.select('#schedule-frequency', 'monthly');
    await page.select('#schedule-monthday-select', 'last');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#schedule-next-runs li')].some((li) =>
        /^(28|29|30|31) /.test(li.textContent ?? ''),
      ),
    );
    const name = `Page schedule ${Date.now()}`;
    await page.$eval(
      '#schedule-name',
      (input, value) => ((input as HTMLInputElement).value = value),
      name,
    );
    await page.click('#schedule-save');
    await page.waitForFunction(
      (n) => document.getElementById('schedule-rows')!.textContent!.includes(n),
      {},
      name,
    );
    const row = async () =>
      page.$eval(
        '#schedule-rows',
        (rows, n) =>
          [...rows.querySelectorAll('tr')].find((r) => r.textContent!.includes(n))!.textContent,
        name,
      );
    assert.match((await row())!, /Monthly on the last day at 09:00/);
    assert.match((await row())!, /Not run yet/);
    const click = (label: string) =>
      page.evaluate(
        (n, l) => {
          const tr = [...document.querySelectorAll('#schedule-rows tr')].find((r) =>
            r.textContent!.includes(n),
          )!;
          [...tr.querySelectorAll('button')].find((b) => b.textContent === l)!.click();
        },
        name,
        label,
      );
    await click('Run now');
    // The run's job is an ordinary report, named after its schedule.
    await page.waitForFunction(
      (n) => document.getElementById('report-rows')!.textContent!.includes(`Scheduled: ${n}`),
      { timeout: 60_000 },
      name,
    );
    await click('Pause');
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('#schedule-rows tr')].some(
          (r) => r.textContent!.includes(n) && r.textContent!.includes('PAUSED'),
        ),
      {},
      name,
    );
    assert.match((await row())!, /Paused by a user/);
    await page.close();
  });

  it('when the plan includes no schedules, then Schedule… is disabled and says why', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')), system.tokens.ws_kumo);
    await page.click('#export-button');
    const item = await page.$eval('#schedule-item', (b) => ({
      disabled: b.getAttribute('aria-disabled'),
      text: b.textContent,
    }));
    assert.equal(item.disabled, 'true');
    assert.match(item.text!, /Starter plan includes no scheduled exports/);
    await page.click('#schedule-item');
    assert.equal(await page.$eval('#schedule-dialog', (d) => (d as HTMLDialogElement).open), false);
    assert.match(
      await page.$eval('#schedules-blocked', (p) => p.textContent ?? ''),
      /no scheduled exports/,
    );
    await page.close();
  });

  it('when the view is invalid, then the overview shows no figures and Export says why it is off', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.waitForFunction(() => document.querySelectorAll('.kpi').length === 9);
    const offered = await page.$$eval('#currency option', (os) => os.map((o) => o.textContent));
    const workspace = (await (
      await fetch(`${system.apiUrl}/api/v1/workspaces/current`, {
        headers: { authorization: `Bearer ${system.tokens.ws_acme}` },
      })
    ).json()) as { currencies: string[] };
    assert.deepEqual(offered, workspace.currencies, 'only currencies with rates are offered');
    await page.select('#preset', 'custom');
    await page.$eval('#since', (e) => ((e as HTMLInputElement).value = '2026-01-01'));
    await page.$eval('#until', (e) => ((e as HTMLInputElement).value = '2026-04-01'));
    await page.$eval('#until', (e) => e.dispatchEvent(new Event('change', { bubbles: true })));
    await page.waitForFunction(() => document.querySelectorAll('.kpi').length === 0);
    assert.match(await text(page, '#kpis'), /No figures: That range is 91 days/);
    assert.equal(
      await page.$eval('#export-button', (b) => (b as HTMLButtonElement).disabled),
      true,
    );
    assert.match(await text(page, '#export-blocked'), /91 days/);
    await page.close();
  });

  it('when the workspace has no subscription, then a banner points to billing on load and Export says why it is off', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')), system.tokens.ws_nova);
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await text(page, '#banner'), /active subscription/);
    assert.equal(
      await page.$eval('#banner a', (a) => a.getAttribute('href')),
      '/settings/team/billing',
    );
    assert.equal(
      await page.$eval('#export-button', (b) => (b as HTMLButtonElement).disabled),
      true,
    );
    assert.match(await text(page, '#export-blocked'), /active subscription/);
    await page.close();
  });

  it('when cross-channel analytics are off for the workspace, then the page says so and offers no Export', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')), system.tokens.ws_lotus);
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await text(page, '#banner'), /disabled for this workspace/);
    assert.equal(await page.$eval('#export-button', (b) => b.checkVisibility()), false);
    assert.equal(await page.$eval('main', (m) => m.checkVisibility()), false);
    await page.close();
  });

  it('when a viewer opens the page, then Export is disabled with the reason before any click', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')), system.viewerToken);
    await page.waitForFunction(() => !document.getElementById('export-blocked')!.hidden);
    assert.equal(
      await page.$eval('#export-button', (b) => (b as HTMLButtonElement).disabled),
      true,
    );
    assert.match(await text(page, '#export-blocked'), /Viewers cannot export/);
    assert.equal(
      await page.$eval('#export-button', (b) => b.getAttribute('aria-describedby')),
      'export-blocked',
    );
    await page.close();
  });

  it('when the JPY workspace opens the page, then currency, zone and quota are its own', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')), system.tokens.ws_kumo);
    await page.waitForFunction(() => document.getElementById('quota')!.textContent !== '');
    assert.equal(await page.$eval('#currency', (s) => (s as HTMLSelectElement).value), 'JPY');
    assert.equal(
      await page.$eval('#timezone', (s) => (s as HTMLSelectElement).options[0]!.textContent),
      'Workspace default (Asia/Tokyo)',
    );
    assert.match(await text(page, '#quota'), /^\d+ of 20 exports left this month · renews /);
    await page.waitForFunction(() => document.querySelectorAll('.kpi').length === 9);
    assert.match(await text(page, '#kpis'), /¥/);
    await page.close();
  });

  it('when no platform or the most platforms are chosen, then Export or the other chips are disabled with a reason', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.waitForFunction(() => document.getElementById('quota')!.textContent !== '');
    const boxes = await page.$$('input[name=platform]');
    for (const box of boxes)
      if (await box.evaluate((b) => (b as HTMLInputElement).checked)) await box.click();
    assert.equal(
      await page.$eval('#export-button', (b) => (b as HTMLButtonElement).disabled),
      true,
    );
    assert.match(await text(page, '#export-blocked'), /at least one platform/);
    for (const box of boxes.slice(0, 8)) await box.click();
    assert.equal(
      await page.$eval('#export-button', (b) => (b as HTMLButtonElement).disabled),
      false,
    );
    const disabled = await page.$$eval('input[name=platform]', (all) =>
      all.filter((b) => (b as HTMLInputElement).disabled).map((b) => (b as HTMLInputElement).value),
    );
    assert.deepEqual(disabled.length, boxes.length - 8);
    assert.match(await text(page, '#platforms-hint'), /at most 8 platforms/);
    await page.close();
  });

  it('when the overview loads, then the PDF’s charts are on screen: one bar per day and a slice per platform', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.waitForFunction(() => document.querySelectorAll('#trend-chart rect').length > 0);
    // "Last 30 days" is the default range.
    assert.equal((await page.$$('#trend-chart rect')).length, 30);
    assert.equal((await page.$$('#mix-chart path')).length, 3);
    assert.equal((await page.$$('#mix-legend li')).length, 3);
    assert.match(await text(page, '#mix-chart'), /€[\d.]+[kKM]total spend/);
    await page.select('#preset', '7');
    await page.waitForFunction(() => document.querySelectorAll('#trend-chart rect').length === 7);
    await page.close();
  });

  it('when the page is 390 px wide, then table rows stack as cards of labelled values', async () => {
    const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
    await page.setViewport({ width: 390, height: 900 });
    await page.waitForFunction(() => document.querySelectorAll('#platform-rows tr').length > 0);
    await page.waitForFunction(() =>
      document.getElementById('report-rows')!.textContent!.includes('by '),
    );
    for (const table of ['#platform-rows', '#report-rows']) {
      const rows = await page.$$eval(`${table} tr`, (trs) =>
        trs.map((tr) => ({
          display: getComputedStyle(tr).display,
          labels: [...tr.querySelectorAll('td[data-label]')]
            .map((td) => getComputedStyle(td, '::before').content)
            .filter((c) => c !== 'none'),
        })),
      );
      for (const row of rows) {
        assert.equal(row.display, 'grid', table);
        assert.ok(row.labels.length >= 3, `${table}: ${row.labels.join(' ')}`);
      }
    }
    assert.equal(
      await page.$eval('.platform-table thead', (t) => t.getBoundingClientRect().height),
      1,
    );
    await page.close();
  });

  for (const width of [1366, 390]) {
    it(`when the page is ${width} px wide, then nothing scrolls sideways`, async () => {
      const page = await openPage(mkdtempSync(join(dataDir, 'dl-')));
      await page.setViewport({ width, height: 900 });
      await page.waitForFunction(() => document.querySelectorAll('.kpi').length === 9);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      assert.ok(scrollWidth <= innerWidth, `${scrollWidth} px of content in ${innerWidth} px`);
      // Delta pills stay on one line: one line of text is about 1.2 times its font size tall.
      const wrapped = await page.$$eval('.kpi-change', (pills) =>
        pills
          .filter((p) => p.clientHeight > 2 * parseFloat(getComputedStyle(p).fontSize))
          .map((p) => p.textContent),
      );
      assert.deepEqual(wrapped, []);
      await page.close();
    });
  }
});
