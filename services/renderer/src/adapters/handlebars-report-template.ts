import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ReportView } from '../domain/report-view.ts';
import { FONT_STACK, FontsourceFonts } from './fontsource-fonts.ts';

const TEMPLATES_DIR = new URL('../../templates/', import.meta.url).pathname;

/** Every string in the view, so the fonts embedded cover exactly the characters printed. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join(' ');
  return String(value ?? '');
}

/**
 * The report's HTML from handlebars templates (one partial per section, in `templates/`).
 * `{{ }}` escapes everything; only our own generated markup (fonts, styles, SVG charts) is
 * inserted raw, never user data. Templates compile once per process.
 */
export class HandlebarsReportTemplate {
  private readonly render: Handlebars.TemplateDelegate;
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
    this.render = handlebars.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), {
      strict: true,
    });
    this.styles = readFileSync(join(dir, 'styles.css'), 'utf8');
  }

  html(view: ReportView): string {
    // The SVG charts are markup, not printed text: they stay out of the font coverage.
    const { donut: _donut, trend: _trend, ...printed } = view;
    return this.render({
      ...view,
      fontFaces: this.fonts.fontFaceCss(`${textOf(printed)} 0123456789%–·×−`),
      fontStack: FONT_STACK,
      styles: this.styles,
    });
  }

  footerStyle(footer: string): string {
    return `${this.fonts.fontFaceCss(`${footer} Page of 0123456789`)}.report-footer{font-family:${FONT_STACK}}`;
  }
}
