import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Text of every page (pdfjs, as a reader would extract it) and the fill colours used. */
export async function readPdf(
  bytes: Buffer,
): Promise<{ pages: string[]; fillColors: Set<string> }> {
  const document = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  const pages: string[] = [];
  const fillColors = new Set<string>();
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    const operators = await page.getOperatorList();
    operators.fnArray.forEach((fn, i) => {
      if (fn === OPS.setFillRGBColor) fillColors.add(String(operators.argsArray[i]).toLowerCase());
    });
  }
  await document.destroy();
  return { pages, fillColors };
}
