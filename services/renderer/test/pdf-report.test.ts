import { createLogger, type WorkspaceCard } from '@wevion/shared';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChromiumPdfPrinter } from '../src/adapters/chromium-pdf-printer.ts';
import { HandlebarsReportTemplate } from '../src/adapters/handlebars-report-template.ts';
import { changeTone, METRIC_LABELS } from '@wevion/shared/report-format.ts';
import { buildReportView } from '../src/domain/report-view.ts';
import { fixtureDataset, type FixtureOptions } from './datasets.ts';
import { readPdf } from './pdf-text.ts';

/** A 1×1 PNG: the smallest real logo. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('PDF reports in real Chromium', function () {
  this.timeout(120_000);
  const printer = new ChromiumPdfPrinter({
    concurrency: 2,
    relaunchAfter: 4,
    timeoutMs: 60_000,
    logger: createLogger('renderer-test', 'silent'),
  });
  const template = new HandlebarsReportTemplate();
  const unbranded: WorkspaceCard = { name: 'Acme Outdoor GmbH', branding: null };
  const branded: WorkspaceCard = {
    name: 'Acme Outdoor GmbH',
    branding: {
      logo_key: 'branding/ws/logo.png',
      primary_color: '#0B5FFF',
      secondary_color: '#14B8A6',
    },
  };

  async function render(
    options: FixtureOptions,
    workspace = unbranded,
    logo: string | null = null,
  ) {
    const view = buildReportView(fixtureDataset(options), workspace, {
      logoDataUrl: logo,
      generatedAt: new Date('2026-11-27T10:00:00Z'),
    });
    const bytes = await printer.print(template.render(view));
    return { bytes, view, ...(await readPdf(bytes)) };
  }

  after(() => printer.close());

  it('when a small report is printed, then every section is there with its formatted numbers', async () => {
    const { bytes, pages, view } = await render({});
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const text = pages.join('\n');
    for (const heading of [
      'Cross-channel performance report',
      'Executive summary',
      'Channel mix',
      'Performance by platform',
      'Daily trend',
      'Top campaigns by spend',
      'Compared with the previous period',
      'Appendix',
      'How metrics are defined',
    ]) {
      assert.ok(text.includes(heading), `missing section "${heading}"`);
    }
    assert.match(pages[0]!, /Acme Outdoor GmbH/);
    assert.match(pages[0]!, /1 Aug 2026 – 7 Aug 2026/);
    assert.match(pages[0]!, /Generated 27 Nov 2026, 11:00 \(Europe\/Berlin\)/);
    assert.ok(
      text.includes(view.platformTotal.spend),
      `total spend ${view.platformTotal.spend} printed`,
    );
    assert.ok(
      text.includes(view.kpis.find((k) => k.label === 'CPA')!.change!),
      'CPA delta printed',
    );
    assert.match(text, /Retargeting, EU/);
    assert.match(text, /Prospecting "Broad"/);
    assert.match(pages[0]!, /Page 1 of \d/);
    assert.ok(pages.length >= 4 && pages.length <= 7, `${pages.length} pages`);
    assert.match(pages.at(-1)!, new RegExp(`Page ${pages.length} of ${pages.length}`));
  });

  it('when numbers are printed, then each metric has one style: ROAS and CTR two decimals, shares and changes one, rate changes in pp', async () => {
    const { pages, view } = await render({ days: 30, platforms: 5 });
    const text = pages.join('\n');
    const roas = [...text.matchAll(/(\d[\d,]*(?:\.\d+)?)×/g)].map((m) => m[1]!);
    assert.ok(roas.length >= 6, `ROAS values printed: ${roas}`);
    for (const value of roas) assert.match(value, /^\d[\d,]*\.\d\d$/, `ROAS ${value}×`);
    const percents = [...text.matchAll(/(\d+(?:\.\d+)?)%/g)].map((m) => m[1]!);
    assert.ok(percents.length >= 10, `percentages printed: ${percents}`);
    for (const value of percents) assert.match(value, /^\d+\.\d\d?$/, `${value}%`);
    const ctrs = [view.platformTotal.ctr, ...view.platformRows.map((r) => r.ctr)];
    for (const ctr of ctrs) assert.match(ctr, /^\d+\.\d\d%$/, `CTR ${ctr}`);
    for (const share of view.platformRows.map((r) => r.share))
      assert.match(share, /^\d+\.\d%$/, `share ${share}`);
    const ctr = view.comparison!.rows.find((r) => r.label === 'CTR')!;
    assert.match(ctr.change, /^[+−]?\d+\.\d\d\d? pp$/);
    assert.ok(text.includes(ctr.change), `CTR change ${ctr.change} printed`);
    // Conversions print whole, in every column and headline.
    for (const row of view.platformRows) assert.match(row.conversions, /^[\d,]+$/);
    // The Spend card compares like with like: both compact, with the same suffixes everywhere.
    const spend = view.kpis.find((k) => k.label === 'Spend')!;
    assert.match(spend.value, /^€[\d.]+[KM]$/);
    assert.match(spend.previous!, /^€[\d.]+[KM]$/);
  });

  it('when a previous period prints alike but differs by a hair, then no printed pair carries a change', async () => {
    for (const options of [
      { days: 30, platforms: 5 },
      { days: 90, platforms: 8 },
      { days: 30, platforms: 5, nearlyUnchanged: true },
    ]) {
      const { pages, view } = await render(options);
      // The comparison table as printed: label, this period, previous period, change, change %.
      const table = pages.join('\n').split('CHANGE %')[1]!;
      let alike = 0;
      for (const row of view.comparison!.rows) {
        const at = table.indexOf(`${row.label}   `);
        assert.ok(at >= 0, `the ${row.label} row is printed (${JSON.stringify(options)})`);
        const [current, previous, difference, ratio] = table
          .slice(at + row.label.length)
          .trim()
          .split(/\s{2,}/);
        assert.deepEqual([current, previous], [row.current, row.previous], row.label);
        if (current !== previous) continue;
        alike++;
        assert.equal(ratio, '0.0%', `${row.label} ${current} vs ${previous}: a change`);
        assert.doesNotMatch(difference!, /[+−]|[1-9]/, `${row.label}: a difference`);
      }
      for (const card of view.kpis.filter((k) => k.previous !== null && k.previous === k.value)) {
        alike++;
        assert.equal(card.change, '0.0%', `${card.label} ${card.value} vs ${card.previous}`);
        assert.ok(pages[0]!.includes(`${card.value}`), `${card.label} card printed`);
      }
      if (options.nearlyUnchanged) assert.ok(alike >= 8, `${alike} alike pairs were checked`);
    }
  });

  describe('the demo-sized reports', () => {
    const campaignNames = Array.from({ length: 10 }, (_, i) => `Campaign ${i + 1} – always on`);
    const A4_MM = 297;
    const mm = (points: number) => (points * 25.4) / 72;
    // The page's content box: the running header and the footer sit in the margins.
    const CONTENT = { top: 21, bottom: 15 };

    for (const { days, platforms, pagesExpected } of [
      { days: 30, platforms: 5, pagesExpected: 4 },
      { days: 90, platforms: 8, pagesExpected: 5 },
    ]) {
      it(`when a ${days}-day ${platforms}-platform report is printed, then it takes ${pagesExpected} pages and no page but the last is more than a third empty`, async () => {
        const logo = `data:image/png;base64,${PNG.toString('base64')}`;
        const { detail, view, bytes } = await render(
          { days, platforms, campaignNames },
          branded,
          logo,
        );
        // Chart labels, the header and the footer print in the report's fonts too.
        assert.doesNotMatch(bytes.toString('latin1'), /\/BaseFont\s*\/[A-Z]{6}\+DejaVu/);
        assert.equal(detail.length, pagesExpected, detail.map((p) => p.lines[2]?.text).join(' | '));
        for (const [i, page] of detail.entries()) {
          const content = page.lines.filter(
            (l) => mm(page.height - l.y) > CONTENT.top && mm(l.y) > CONTENT.bottom,
          );
          const lowest = Math.min(...content.map((l) => l.y));
          const used = (A4_MM - CONTENT.top - mm(lowest)) / (A4_MM - CONTENT.top - CONTENT.bottom);
          if (i < detail.length - 1)
            assert.ok(used > 2 / 3, `page ${i + 1} is ${Math.round(used * 100)} % used`);
          // The running header on every page: the logo, the workspace and the report.
          assert.equal(
            page.lines[0]!.text,
            `Acme Outdoor GmbH ${view.title} · ${view.periodLabel}`,
          );
          assert.ok(page.images >= 1, `page ${i + 1} draws the logo`);
        }
      });
    }

    it('when a 90-day report has every weekend on an earlier rate, then no appendix line lists more than three dates', async () => {
      const { detail } = await render({ days: 90, platforms: 8, campaignNames });
      const lines = detail.flatMap((p) => p.lines.map((l) => l.text));
      const appendix = lines.slice(lines.indexOf('Appendix'));
      assert.ok(
        appendix.some((l) => /USD .*26 days: 13 weekends \(Sat–Sun\)/.test(l)),
        appendix.join('\n'),
      );
      const date = /\b\d{1,2}(?:–\d{1,2})? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/g;
      for (const line of appendix)
        assert.ok((line.match(date) ?? []).length <= 3, `too many dates in "${line}"`);
      assert.doesNotMatch(appendix.join('\n'), /hourly rows read/);
    });

    it('when platforms are compared, then each has its card with its figures, change and daily bars', async () => {
      const { pages, view } = await render({ days: 30, platforms: 5, campaignNames });
      const text = pages.join('\n');
      assert.match(text, /Platforms day by day/);
      assert.equal(view.platformTrends.length, 5);
      assert.equal(text.match(/\d+\.\d% of spend/g)?.length, 5);
      for (const card of view.platformTrends) {
        assert.equal(
          card.chart!.split(`fill="${card.color}"`).length - 1,
          30,
          `${card.label} bars`,
        );
        assert.ok(
          text.includes(card.facts[0]!.value),
          `${card.label} spend ${card.facts[0]!.value}`,
        );
        assert.match(card.facts[0]!.change!, /^[+−]?\d+\.\d%$/);
      }
    });
  });

  for (const currency of ['JPY', 'GBP'])
    it(`when a ${currency} report converted on weekends, then the appendix counts days, not rate records`, async () => {
      const { pages, view } = await render({
        days: 30,
        platforms: 2,
        currency,
        minorUnits: currency === 'JPY' ? 0 : 2,
      });
      const usd = view.appendix.currencies.find((c) => c.currency === 'USD')!;
      // 1–30 Aug 2026 holds 5 whole weekends: 10 days, each on Friday's rates.
      assert.equal(usd.fallbacks, '10 days: 5 weekends (Sat–Sun)');
      assert.ok(pages.join('\n').includes('10 days: 5 weekends'), 'printed as counted');
    });

  it('when deltas are coloured, then a cheaper CPA and more conversions are good, fewer impressions bad', () => {
    const view = buildReportView(fixtureDataset({}), unbranded, {
      logoDataUrl: null,
      generatedAt: new Date(),
    });
    const kpi = (label: string) => view.kpis.find((k) => k.label === label)!;
    // Fixture: the previous period spent 90 % for 80 % of the conversions (so CPA fell now) on 110 % of the impressions.
    assert.equal(kpi('CPA').tone, 'good');
    assert.equal(kpi('Conversions').tone, 'good');
    assert.equal(kpi('Spend').tone, 'neutral');
    assert.equal(kpi('Impressions').tone, 'bad');
    assert.match(kpi('Impressions').change!, /^−/);
    assert.equal(changeTone('cpa', 1.5), 'bad');
    assert.equal(changeTone('cpm', -0.2), 'good');
  });

  it('when the workspace is branded, then its colour and logo are used; unbranded gets the default theme', async () => {
    const logo = `data:image/png;base64,${PNG.toString('base64')}`;
    const brandedPdf = await render({}, branded, logo);
    assert.ok(
      [...brandedPdf.fillColors].some((c) => c.includes('#0b5fff')),
      [...brandedPdf.fillColors].join(' '),
    );
    assert.ok(brandedPdf.view.workspace.logo?.startsWith('data:image/png'));
    const plain = await render({});
    assert.ok(![...plain.fillColors].some((c) => c.includes('#0b5fff')));
    assert.ok(
      [...plain.fillColors].some((c) => c.includes('#334155')),
      'the neutral default primary',
    );
  });

  it('when campaign names are in other scripts or carry emoji, then their text survives into the PDF', async () => {
    const names = [
      '双十一 品牌推广 (Singles Day)',
      'ブランド認知キャンペーン 東京 Q4',
      'حملة رمضان — عروض خاصة',
      'Летняя распродажа 2026',
      'Καλοκαιρινές προσφορές',
      '🎄 Holiday Gift Guide 🎁',
      '한국 브랜드 캠페인',
      '=HYPERLINK("http://example.com","x")',
    ];
    const { pages, bytes } = await render({ campaignNames: names });
    // pdfjs splits runs of CJK glyphs into separate items; compare without whitespace.
    const text = pages.join('').replace(/\s+/g, '').normalize('NFC');
    for (const fragment of [
      '双十一',
      'ブランド認知',
      'Летняя',
      'Καλοκαιρινές',
      'HolidayGiftGuide',
      '한국',
      '=HYPERLINK',
    ]) {
      assert.ok(text.includes(fragment), `"${fragment}" extracted`);
    }
    // Shaped Arabic does not survive text extraction; the embedded fonts show who drew each script.
    const fonts = bytes.toString('latin1');
    for (const font of [
      'NotoSansArabic',
      'NotoSansSC',
      'NotoSansKR',
      'NotoEmoji',
      'NotoSans-Regular',
    ]) {
      assert.match(fonts, new RegExp(`/BaseFont\\s*/[A-Z]{6}\\+${font}`), `${font} embedded`);
    }
  });

  it('when a CJK name stands in bold text, then a real bold CJK face is embedded, not a synthesised one', async () => {
    const kumo: WorkspaceCard = { name: 'Kumo Studio 株式会社', branding: null };
    const { bytes } = await render({ campaignNames: ['한국 브랜드 캠페인'] }, kumo);
    const pdf = bytes.toString('latin1');
    // The cover prints the workspace name in bold, the tables the Korean name in regular.
    assert.match(pdf, /\/BaseFont\s*\/[A-Z]{6}\+NotoSansSC\w*-Bold/);
    assert.match(pdf, /\/BaseFont\s*\/[A-Z]{6}\+NotoSansKR\w*-Regular/);
    // Chromium draws a bold it has to synthesise as a Type 3 font of outlines.
    assert.doesNotMatch(pdf, /\/Subtype\s*\/Type3/);
    // The footer, printed apart from the page, has the report's fonts too, not the system's.
    assert.doesNotMatch(pdf, /\/BaseFont\s*\/[A-Z]{6}\+DejaVu/);
  });

  it('when a report spans 90 days on 8 platforms with very long names, then tables paginate cleanly', async () => {
    const long =
      'Always-on prospecting for the autumn outdoor collection across every DACH region '.repeat(3);
    const { pages } = await render({
      platforms: 8,
      days: 90,
      campaignNames: Array.from({ length: 10 }, (_, i) => `${i + 1}. ${long}`),
    });
    const text = pages.join('\n');
    assert.ok(pages.length <= 8, `${pages.length} pages`);
    for (const label of [
      'Meta',
      'Google Ads',
      'TikTok',
      'LinkedIn',
      'Snapchat',
      'Pinterest',
      'X',
      'Microsoft Ads',
    ]) {
      assert.ok(text.includes(label), label);
    }
    assert.match(text, /10\. Always-on prospecting/);
  });

  it('when every number is zero, then ratios print as dashes and nothing breaks', async () => {
    const { pages } = await render({ zero: true });
    const text = pages.join('\n');
    assert.match(text, /No campaign spent in this period/);
    assert.match(text, /No spend in this period/);
    assert.match(text, /There is no data for the previous period/);
    assert.doesNotMatch(text, /NaN|Infinity|undefined/);
  });

  it('when a report holds one platform, then it is that platform’s report, without small multiples, and every metric is defined', async () => {
    const { pages, view } = await render({ platforms: 1 });
    const text = pages.join('\n');
    assert.equal(view.title, 'Meta performance report');
    assert.match(pages[0]!, /Meta performance report/);
    assert.doesNotMatch(text, /Cross-channel performance report|Platforms day by day/);
    const defined = view.appendix.definitions.map((d) => d.term);
    for (const label of Object.values(METRIC_LABELS))
      assert.ok(defined.includes(label), `${label} is defined in the appendix`);
  });

  it('when the range has no row at all, then the report is one page that says so, not pages of zeros', async () => {
    const { pages } = await render({ zero: true, noRows: true, platforms: 2 });
    assert.equal(pages.length, 1);
    assert.match(pages[0]!, /No ad data in this range/);
    assert.match(
      pages[0]!,
      /Meta or Google Ads reported no activity between 1 Aug 2026 – 7 Aug 2026/,
    );
    assert.doesNotMatch(pages[0]!, /Executive summary|€0\.00|Channel mix/);
    assert.match(pages[0]!, /There is no data for the previous period/);
  });

  it('when a report asks for the network or carries a script, then nothing is fetched or run, also on a reused page', async () => {
    const requested: string[] = [];
    const server = createServer((req, res) => {
      requested.push(req.url ?? '');
      res.end('body { color: red }');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const round of [1, 2, 3]) {
        const html = `<!doctype html><html><head><link rel="stylesheet" href="${origin}/style.css"></head>
          <body><p>Report ${round}</p><img src="${origin}/pixel.png">
          <script>document.body.textContent = 'SCRIPT RAN'; fetch('${origin}/fetch');</script></body></html>`;
        const { pages } = await readPdf(await printer.print({ html }));
        const text = pages.join(' ');
        assert.match(text, new RegExp(`Report ${round}`));
        assert.doesNotMatch(text, /SCRIPT RAN/);
        assert.doesNotMatch(
          text,
          new RegExp(`Report (?!${round})\\d`),
          `left from before: ${text}`,
        );
      }
      assert.deepEqual(requested, []);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('when the printer renders more than its relaunch threshold, then it keeps working on a fresh browser', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => render({ days: 3 })));
    assert.ok(results.every((r) => r.bytes.subarray(0, 5).toString() === '%PDF-'));
  });
});
