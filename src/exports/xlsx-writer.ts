import { Zip, ZipDeflate } from 'fflate';

// An XLSX workbook written as its rows come, in constant memory (decision 0019): each sheet is
// one ZIP entry deflated as it is written, its cells inline strings and numbers, so nothing of
// the rows is kept once written; the workbook's own parts, which name the sheets, follow them.
// exceljs' streaming writer keeps what it wrote (bench/README.md, the export benchmark). Strings
// are never formulas in an inline cell, so no value needs the CSV's injection guard.

export type Cell = string | number | null | undefined;

/** Excel's rows a sheet, the header's included. */
export const EXCEL_MAX_ROWS = 1_048_576;

export type XlsxOptions = {
  /** the first table's sheet name; the sheets it runs over are numbered ("Records (2)") */
  sheetName: string;
  /** the first table's header */
  header: readonly string[];
  /** columns laid out right to left, for a reader of Arabic */
  rightToLeft?: boolean;
  /** rows a sheet before the next begins, the header's included (tests set fewer) */
  rowsPerSheet?: number;
};

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
// characters XML 1.0 does not allow, even escaped
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const encoder = new TextEncoder();

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A column's letters: A … Z, AA … */
function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** A cell at its reference (B7): readers such as exceljs need rows and cells numbered. */
function cellXml(reference: string, value: Cell, style = ''): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${reference}"${style}><v>${value}</v></c>`;
  return `<c r="${reference}" t="inlineStr"${style}><is><t xml:space="preserve">${escapeXml(String(value))}</t></is></c>`;
}

/**
 * Writes a workbook: `write` receives its bytes as they are made (a response, a file), one
 * sheet after another of at most rowsPerSheet rows, each starting with the header.
 */
export class XlsxWriter {
  private readonly zip: Zip;
  private readonly rowsPerSheet: number;
  private readonly sheetNames: string[] = [];
  private sheet: ZipDeflate = null!;
  private rowsInSheet = 0;
  /** the table being written: its sheets' name and the header each of them starts with */
  private table: { name: string; header: readonly string[]; sheets: number };
  private pending: string[] = [];
  private pendingLength = 0;
  /** the columns' letters, made once */
  private readonly columns: string[] = [];

  constructor(
    write: (chunk: Uint8Array) => void,
    private readonly options: XlsxOptions,
  ) {
    this.zip = new Zip((error, chunk) => {
      if (error) throw error;
      write(chunk);
    });
    this.rowsPerSheet = Math.min(options.rowsPerSheet ?? EXCEL_MAX_ROWS, EXCEL_MAX_ROWS);
    this.table = { name: options.sheetName, header: options.header, sheets: 0 };
    this.startSheet();
  }

  /** Ends the table being written; the rows added next are another table, on sheets of its own. */
  startTable(name: string, header: readonly string[]): void {
    this.endSheet();
    this.table = { name, header, sheets: 0 };
    this.startSheet();
  }

  addRow(cells: readonly Cell[]): void {
    if (this.rowsInSheet >= this.rowsPerSheet) {
      this.endSheet();
      this.startSheet();
    }
    this.rowsInSheet += 1;
    this.append(this.rowXml(cells));
  }

  /** Ends the last sheet and writes the workbook's parts; the bytes are all written on return. */
  end(): void {
    this.endSheet();
    const sheets = this.sheetNames.map((_, i) => i + 1);
    const part = (name: string, xml: string) => {
      const file = new ZipDeflate(name, { level: 6 });
      this.zip.add(file);
      file.push(encoder.encode(XML_HEAD + xml), true);
    };
    part(
      '[Content_Types].xml',
      `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
        sheets
          .map(
            (n) =>
              `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join('') +
        `</Types>`,
    );
    part(
      '_rels/.rels',
      `<Relationships xmlns="${PACKAGE_REL_NS}">` +
        `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    );
    part(
      'xl/workbook.xml',
      `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
        this.sheetNames
          .map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
          .join('') +
        `</sheets></workbook>`,
    );
    part(
      'xl/_rels/workbook.xml.rels',
      `<Relationships xmlns="${PACKAGE_REL_NS}">` +
        sheets
          .map((n) => `<Relationship Id="rId${n}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${n}.xml"/>`)
          .join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
    );
    part(
      'xl/styles.xml',
      `<styleSheet xmlns="${MAIN_NS}">` +
        `<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
        `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
        `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
        `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
        `<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
        `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
        `</styleSheet>`,
    );
    this.zip.end();
  }

  private startSheet(): void {
    const number = this.sheetNames.length + 1;
    this.table.sheets += 1;
    // Excel's sheet names: 31 characters at most, none of []:*?/\
    const base = this.table.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 24);
    let name = this.table.sheets === 1 ? base : `${base} (${this.table.sheets})`;
    // two tables of the same name (cut to 24 characters) still need sheets of their own names
    for (let n = 2; this.sheetNames.includes(name); n++) name = `${base} [${n}]`;
    this.sheetNames.push(name);
    this.sheet = new ZipDeflate(`xl/worksheets/sheet${number}.xml`, { level: 1 });
    this.zip.add(this.sheet);
    const view = this.options.rightToLeft ? ' rightToLeft="1"' : '';
    this.append(
      `${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><sheetViews><sheetView workbookViewId="0"${view}>` +
        `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
        `<sheetData>`,
    );
    this.rowsInSheet = 1;
    this.append(this.rowXml(this.table.header, ' s="1"'));
  }

  private rowXml(cells: readonly Cell[], style = ''): string {
    const row = this.rowsInSheet;
    while (this.columns.length < cells.length) this.columns.push(columnName(this.columns.length));
    return `<row r="${row}">${cells.map((cell, i) => cellXml(`${this.columns[i]}${row}`, cell, style)).join('')}</row>`;
  }

  private endSheet(): void {
    this.append('</sheetData></worksheet>');
    this.flush(true);
  }

  /** XML is gathered into chunks of about 64 KB before it is deflated: fewer, larger pushes. */
  private append(xml: string): void {
    this.pending.push(xml);
    this.pendingLength += xml.length;
    if (this.pendingLength >= 65_536) this.flush(false);
  }

  private flush(final: boolean): void {
    this.sheet.push(encoder.encode(this.pending.join('')), final);
    this.pending = [];
    this.pendingLength = 0;
  }
}
