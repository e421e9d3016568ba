import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ReportView } from '../domain/report-view.ts';
import type { PrintRequest } from '../ports.ts';
import { FONT_STACK, FontsourceFonts } from './fontsource-fonts.ts';
import { pageMarginCss } from './page-margin-css.ts';

const TEMPLATES_DIR = new URL('../../templates/', import.meta.url).pathname;

/** Every string in the view, so the fonts embedded cover exactly the characters printed. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join(' ');
  return String(value ?? '');
}

/** The text an SVG chart prints (axis labels, the donut's total), without its markup. */
const svgText = (svg: string | null) => (svg ?? '').replace(/<[^>]*>/g, ' ');

/**
 * The report's HTML from handlebars templates (one partial per section, in `templates/`), with
 * the running header and footer as page-margin CSS. `{{ }}` escapes everything; only our own
 * generated markup (fonts, styles, SVG charts, the margins' CSS with its strings escaped) is
 * inserted raw.
 * Templates compile once per process.
 */
export class HandlebarsReportTemplate {
  private readonly report: Handlebars.TemplateDelegate;
  private readonly styles: string;
  private readonly fonts = new FontsourceFonts();

  constructor(dir = TEMPLATES_DIR) {
    const handlebars = Handlebars.create();
    for (const file of readdirSync(join(dir, 'partials'))) {
      handlebars.registerPartial(
        basename(file, '.hbs'),
        readFileSync(join(dir, 'partials', file), 'utf8'),
      );
    }
    const compile = (file: string) =>
      handlebars.compile(readFileSync(join(dir, file), 'utf8'), { strict: true });
    this.report = compile('report.hbs');
    this.styles = readFileSync(join(dir, 'styles.css'), 'utf8');
  }

  render(view: ReportView): PrintRequest {
    // Charts are markup: only the text they print counts towards the fonts' coverage.
    const { donut, trend, platformTrends, ...rest } = view;
    const printed = [
      textOf(rest),
      textOf(platformTrends.map(({ chart: _chart, ...trendRest }) => trendRest)),
      ...[donut, trend, ...platformTrends.map((t) => t.chart)].map(svgText),
      '0123456789%–·×−',
      // The running header and footer (page-margin boxes, in these fonts) print the view's
      // header and footer, already above, and the page numbers' words.
      'Page of',
    ].join(' ');
    return {
      html: this.report({
        ...view,
        fontFaces: this.fonts.fontFaceCss(printed),
        fontStack: FONT_STACK,
        styles: this.styles,
        pageMargins: pageMarginCss(view, FONT_STACK),
      }),
    };
  }
}
