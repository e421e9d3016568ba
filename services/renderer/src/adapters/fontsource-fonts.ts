import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Noto fonts from npm (@fontsource), embedded into the report as data URLs. Each family ships as
 * many small unicode-range subsets; only the subsets whose range covers a character the report
 * actually uses are embedded, so a Latin-only report stays small and a report with Chinese,
 * Arabic or emoji campaign names still has a glyph for every character (no tofu).
 */
export const FONT_FAMILIES = [
  { family: 'Noto Sans', package: '@fontsource/noto-sans' },
  { family: 'Noto Sans Arabic', package: '@fontsource/noto-sans-arabic' },
  { family: 'Noto Sans Hebrew', package: '@fontsource/noto-sans-hebrew' },
  { family: 'Noto Sans Devanagari', package: '@fontsource/noto-sans-devanagari' },
  { family: 'Noto Sans Thai', package: '@fontsource/noto-sans-thai' },
  { family: 'Noto Sans SC', package: '@fontsource/noto-sans-sc' },
  { family: 'Noto Sans JP', package: '@fontsource/noto-sans-jp' },
  { family: 'Noto Sans KR', package: '@fontsource/noto-sans-kr' },
  // Monochrome: Chromium's PDF output drops the colour (COLRv1) emoji glyphs entirely.
  { family: 'Noto Emoji', package: '@fontsource/noto-emoji' },
] as const;

/** The CSS font-family list, in fallback order. */
export const FONT_STACK = FONT_FAMILIES.map((f) => `'${f.family}'`).join(', ');

const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{FE0F}\u{20E3}]/u;

interface Subset {
  family: string;
  weight: number;
  file: string;
  ranges: [number, number][];
}

const require = createRequire(import.meta.url);

function parseRanges(text: string): [number, number][] {
  return text.split(',').map((part) => {
    const [start, end] = part.trim().replace(/^U\+/i, '').split('-');
    return [parseInt(start!, 16), parseInt(end ?? start!, 16)];
  });
}

/**
 * Reads every subset of every family in regular and bold (emoji in regular only). Chromium's
 * synthetic bold does not survive into the PDF, so with a regular face alone a Chinese or Korean
 * name in a bold heading printed lighter than the Latin text around it. Only the subsets a
 * report's characters need are embedded, so the bold faces cost only what a report uses.
 */
function loadSubsets(): Subset[] {
  const subsets: Subset[] = [];
  for (const { family, package: name } of FONT_FAMILIES) {
    const dir = dirname(require.resolve(`${name}/package.json`));
    for (const weight of family === 'Noto Emoji' ? [400] : [400, 700]) {
      const css = readFileSync(join(dir, `${weight}.css`), 'utf8');
      for (const rule of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
        const body = rule[1]!;
        const file = /url\(\.\/(files\/[^)]+\.woff2)\)/.exec(body)?.[1];
        const range = /unicode-range:\s*([^;]+);/.exec(body)?.[1];
        if (file && range)
          subsets.push({ family, weight, file: join(dir, file), ranges: parseRanges(range) });
      }
    }
  }
  return subsets;
}

export class FontsourceFonts {
  private readonly subsets: Subset[];
  private readonly dataUrls = new Map<string, string>();

  constructor() {
    this.subsets = loadSubsets();
  }

  /**
   * @font-face rules covering every character of `text`, fonts inlined. Like the browser's own
   * fallback, a character goes to the first family in the stack that has it, so a Han character
   * pulls in Noto Sans SC only, not the Japanese and Korean fonts that also cover it.
   */
  fontFaceCss(text: string): string {
    const needed = new Set<Subset>();
    for (const cp of new Set([...text].map((c) => c.codePointAt(0)!))) {
      const covers = (subset: Subset) => subset.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
      // Emoji go to the emoji font even where a CJK font also lists the code point (flags).
      const family = EMOJI.test(String.fromCodePoint(cp))
        ? 'Noto Emoji'
        : this.subsets.find(covers)?.family;
      for (const subset of this.subsets)
        if (subset.family === family && covers(subset)) needed.add(subset);
    }
    return [...needed]
      .map(
        (subset) =>
          `@font-face{font-family:'${subset.family}';font-weight:${subset.weight};font-style:normal;` +
          `src:url(${this.dataUrl(subset.file)}) format('woff2');` +
          `unicode-range:${subset.ranges.map(([lo, hi]) => (lo === hi ? `U+${lo.toString(16)}` : `U+${lo.toString(16)}-${hi.toString(16)}`)).join(',')};}`,
      )
      .join('\n');
  }

  private dataUrl(file: string): string {
    let url = this.dataUrls.get(file);
    if (!url) {
      url = `data:font/woff2;base64,${readFileSync(file).toString('base64')}`;
      this.dataUrls.set(file, url);
    }
    return url;
  }
}
