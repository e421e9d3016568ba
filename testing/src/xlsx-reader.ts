/* eslint-disable @typescript-eslint/no-explicit-any -- parsed SpreadsheetML is untyped; the tests' assertions check what is read. */
import { XMLParser } from 'fast-xml-parser';
import yauzl from 'yauzl';

/**
 * Reads an .xlsx back for tests, independently of the package that wrote it: the zip by yauzl,
 * the SpreadsheetML parts by fast-xml-parser. It answers what a spreadsheet would see: each
 * cell's type, value, number format and formula, and each sheet's frozen pane, filter and widths.
 */
export interface XlsxCell {
  /** `n` number (dates are numbers with a date format), `s`/`inlineStr`/`str` text, `b` boolean. */
  type: string;
  value: string | number | null;
  numFmt: string;
  formula: string | null;
  bold: boolean;
}

export interface XlsxSheet {
  name: string;
  /** By reference: `A1`, `B7`. */
  cells: Map<string, XlsxCell>;
  /** Rows in order, each a list of cells by column (undefined where a row has none). */
  rows: (XlsxCell | undefined)[][];
  frozenRows: number;
  autoFilter: string | null;
  widths: number[];
}

export interface XlsxWorkbook {
  sheets: XlsxSheet[];
  properties: { title: string | null; creator: string | null };
  sheet(name: string): XlsxSheet;
}

/** Excel's built-in number formats a style may name by id alone. */
const BUILT_IN_FORMATS: Record<number, string> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  14: 'mm-dd-yy',
  49: '@',
};

async function unzip(bytes: Buffer): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) =>
      error ? reject(error) : resolve(file),
    ),
  );
  const parts = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          parts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return parts;
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** `B7` → column index 1. */
function columnIndex(reference: string): number {
  const letters = /^[A-Z]+/.exec(reference)![0];
  return [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
}

export async function readXlsx(bytes: Buffer): Promise<XlsxWorkbook> {
  const parts = await unzip(bytes);
  const xml = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    textNodeName: '#text',
  });
  const part = (name: string) => {
    const text = parts.get(name);
    if (text === undefined) throw new Error(`the workbook has no ${name}`);
    return xml.parse(text) as Record<string, any>;
  };
  const styles = part('xl/styles.xml').styleSheet;
  const customFormats = new Map<number, string>(
    list(styles.numFmts?.numFmt).map((f: any) => [Number(f.numFmtId), String(f.formatCode)]),
  );
  const fonts = list(styles.fonts?.font);
  const xfs = list(styles.cellXfs?.xf).map((xf: any) => {
    const id = Number(xf.numFmtId ?? 0);
    return {
      numFmt: customFormats.get(id) ?? BUILT_IN_FORMATS[id] ?? `builtin:${id}`,
      bold: fonts[Number(xf.fontId ?? 0)]?.b !== undefined,
    };
  });
  const rels = new Map<string, string>(
    list(part('xl/_rels/workbook.xml.rels').Relationships.Relationship).map((r: any) => [
      String(r.Id),
      String(r.Target).replace(/^\/?(xl\/)?/, 'xl/'),
    ]),
  );
  const sheets = list(part('xl/workbook.xml').workbook.sheets.sheet).map(
    (entry: any): XlsxSheet => {
      const sheet = part(rels.get(String(entry['r:id']))!).worksheet;
      const cells = new Map<string, XlsxCell>();
      const rows: (XlsxCell | undefined)[][] = [];
      for (const row of list(sheet.sheetData?.row)) {
        const line: (XlsxCell | undefined)[] = [];
        for (const c of list((row as any).c)) {
          const cellXml = c as any;
          const style = xfs[Number(cellXml.s ?? 0)] ?? { numFmt: 'General', bold: false };
          const type = String(cellXml.t ?? 'n');
          const raw =
            type === 'inlineStr'
              ? (cellXml.is?.t?.['#text'] ?? cellXml.is?.t ?? '')
              : (cellXml.v?.['#text'] ?? cellXml.v ?? null);
          const cell: XlsxCell = {
            type,
            value: raw === null ? null : type === 'n' ? Number(raw) : String(raw),
            numFmt: style.numFmt,
            formula: cellXml.f === undefined ? null : String(cellXml.f?.['#text'] ?? cellXml.f),
            bold: style.bold,
          };
          cells.set(String(cellXml.r), cell);
          line[columnIndex(String(cellXml.r))] = cell;
        }
        rows.push(line);
      }
      const pane = list(sheet.sheetViews?.sheetView)
        .map((v: any) => v.pane)
        .find(Boolean);
      return {
        name: String(entry.name),
        cells,
        rows,
        frozenRows: pane?.state === 'frozen' ? Number(pane.ySplit ?? 0) : 0,
        autoFilter: sheet.autoFilter?.ref ?? null,
        widths: list(sheet.cols?.col).map((c: any) => Number(c.width)),
      };
    },
  );
  const core = parts.has('docProps/core.xml') ? part('docProps/core.xml')['cp:coreProperties'] : {};
  const text = (value: any) => (value === undefined ? null : String(value?.['#text'] ?? value));
  return {
    sheets,
    properties: { title: text(core['dc:title']), creator: text(core['dc:creator']) },
    sheet(name) {
      const found = sheets.find((s) => s.name === name);
      if (!found) throw new Error(`no sheet ${name}`);
      return found;
    },
  };
}

/** An Excel date serial (days since 1899-12-30) as a calendar date. */
export const excelDate = (serial: number) =>
  new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
