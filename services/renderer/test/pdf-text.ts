import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfPage {
  /** The page's text as a reader would extract it. */
  text: string;
  /** Text lines, top to bottom: items on one baseline joined left to right. */
  lines: { y: number; text: string }[];
  /** Images painted (a logo is one). */
  images: number;
  height: number;
}

/** Every page of a PDF through pdfjs, and the fill colours used. */
export async function readPdf(
  bytes: Buffer,
): Promise<{ pages: string[]; detail: PdfPage[]; fillColors: Set<string> }> {
  const document = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  const detail: PdfPage[] = [];
  const fillColors = new Set<string>();
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    const content = await page.getTextContent();
    const items = content.items.flatMap((item) =>
      'str' in item
        ? [{ text: item.str, x: item.transform[4] as number, y: item.transform[5] as number }]
        : [],
    );
    const byLine = new Map<number, { x: number; text: string }[]>();
    for (const item of items.filter((i) => i.text.trim())) {
      const y = Math.round(item.y);
      byLine.set(y, [...(byLine.get(y) ?? []), item]);
    }
    const lines = [...byLine.entries()]
      .sort(([a], [b]) => b - a)
      .map(([y, parts]) => ({
        y,
        text: parts
          .sort((a, b) => a.x - b.x)
          .map((p) => p.text)
          .join(' '),
      }));
    const operators = await page.getOperatorList();
    let images = 0;
    operators.fnArray.forEach((fn, i) => {
      if (fn === OPS.setFillRGBColor) fillColors.add(String(operators.argsArray[i]).toLowerCase());
      if (fn === OPS.paintImageXObject) images++;
    });
    detail.push({
      text: items.map((i) => i.text).join(' '),
      lines,
      images,
      height: page.getViewport({ scale: 1 }).height,
    });
  }
  await document.destroy();
  return { pages: detail.map((p) => p.text), detail, fillColors };
}
