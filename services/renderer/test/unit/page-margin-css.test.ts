import assert from 'node:assert/strict';
import { cssString, pageMarginCss } from '../../src/adapters/page-margin-css.ts';

/** A PNG's first 24 bytes, enough for its size: signature, IHDR length and type, width, height. */
function pngHead(width: number, height: number): string {
  const head = Buffer.alloc(24);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(head);
  head.writeUInt32BE(13, 8);
  head.write('IHDR', 12);
  head.writeUInt32BE(width, 16);
  head.writeUInt32BE(height, 20);
  return `data:image/png;base64,${head.toString('base64')}`;
}

describe('page margins (running header and footer)', () => {
  const view = {
    header: { name: 'Acme', logo: null, title: 'Report', periodLabel: '1–7 Aug 2026' },
    footer: '1–7 Aug 2026 · Europe/Berlin · EUR',
    theme: { primary: '#0B5FFF' },
  } as Parameters<typeof pageMarginCss>[0];

  it('when a name holds quotes, backslashes, a newline or a closing style tag, then it stays inside its CSS string', () => {
    const css = cssString('Müller "&" Söhne \\ </style>\n@import');
    assert.match(
      css,
      /^"Müller \\22 \\26 \\22 {2}Söhne \\5c {2}\\3c \\2f style\\3e \\a \\40 import"$/,
    );
    assert.doesNotMatch(css.slice(1, -1), /["<>\\\n](?![0-9a-f]+ )/);
  });

  it('when the workspace has a logo, then it is drawn at most 6 mm high and 30 mm wide, before the name', () => {
    const square = pageMarginCss(
      { ...view, header: { ...view.header, logo: pngHead(300, 300) } },
      'serif',
    );
    // 6 mm is 22.68 CSS px: a 300 px square logo is drawn at 300 / 22.68 = 13.2292 px per px.
    assert.match(
      square,
      /@top-left \{ content: image-set\(url\("data\\3a image\\2f png.*"\) 13\.2292x\) " {3}" "Acme"/,
    );
    // 30 mm is 113.39 px: a wide 1200 × 100 logo is bound by its width instead.
    const wide = pageMarginCss(
      { ...view, header: { ...view.header, logo: pngHead(1200, 100) } },
      'serif',
    );
    assert.match(wide, / 10\.5833x\)/);
    assert.match(pageMarginCss(view, 'serif'), /@top-left \{ content:\s+"Acme";/);
  });

  it('when the page is printed, then the footer numbers pages and the header line is the primary colour', () => {
    const css = pageMarginCss(view, 'serif');
    assert.match(css, /@bottom-right \{ content: "Page " counter\(page\) " of " counter\(pages\)/);
    assert.equal(css.match(/border-bottom: 0\.5mm solid #0B5FFF/g)?.length, 3);
  });
});
