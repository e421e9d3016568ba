import type { ReportView } from '../domain/report-view.ts';

/**
 * `text` as a CSS string literal: every character but letters, digits and spaces becomes a hex
 * escape, so no workspace name can end the string, the rule or the style element.
 */
export function cssString(text: string): string {
  const escaped = [...text]
    .map((c) => (/[\p{L}\p{N} ]/u.test(c) ? c : `\\${c.codePointAt(0)!.toString(16)} `))
    .join('');
  return `"${escaped}"`;
}

/** CSS pixels per millimetre. */
const PX_PER_MM = 96 / 25.4;
/** The logo's box in the header, as the report has always drawn it. */
const LOGO_MAX = { widthMm: 30, heightMm: 6 };

/**
 * The logo as generated content at most 6 mm high and 30 mm wide: `image-set` with a resolution
 * is the only way to size an image in a page-margin box. Logos are PNGs (`logoDataUrl`), whose
 * size is in their IHDR chunk.
 */
function logoContent(dataUrl: string): string {
  const start = dataUrl.indexOf(',') + 1;
  // The first 24 bytes (32 base64 characters): signature, IHDR length and type, width, height.
  const png = Buffer.from(dataUrl.slice(start, start + 32), 'base64');
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const scale = Math.max(
    width / (LOGO_MAX.widthMm * PX_PER_MM),
    height / (LOGO_MAX.heightMm * PX_PER_MM),
  );
  return `image-set(url(${cssString(dataUrl)}) ${scale.toFixed(4)}x) "   "`;
}

/**
 * The running header and footer as CSS page-margin boxes: the workspace (with its logo) and the
 * report on top above a line in the primary colour, the period and page numbers below. They are
 * laid out with the page, in its fonts, which costs a fifth of Chromium's separate header and
 * footer documents per page (docs/benchmarks.md).
 */
export function pageMarginCss(
  view: Pick<ReportView, 'header' | 'footer' | 'theme'>,
  fontStack: string,
): string {
  const { name, logo, title, periodLabel } = view.header;
  const line = `border-bottom: 0.5mm solid ${view.theme.primary};`;
  const top = `vertical-align: bottom; padding-bottom: 2mm; ${line}`;
  const small = `font-family: ${fontStack}; font-size: 7.5px;`;
  return `@page {
  @top-left { content: ${logo ? logoContent(logo) : ''} ${cssString(name)}; white-space: pre;
    font-family: ${fontStack}; font-size: 9px; font-weight: 700; color: #0f172a; ${top} }
  @top-center { content: ""; ${top} }
  @top-right { content: ${cssString(`${title} · ${periodLabel}`)}; ${small} color: #475569; ${top} }
  @bottom-left { content: ${cssString(view.footer)}; ${small} color: #64748b; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); ${small} color: #64748b; }
}`;
}
