import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import express from 'express';
import { sendTable } from '../src/exports/table-download.ts';
import { escapeXml, XlsxWriter, type Cell } from '../src/exports/xlsx-writer.ts';

// The kernel of every export (decision 0019): the XLSX writer, read back by exceljs, and the
// download that writes rows only as fast as the connection takes them.

/** A workbook written by XlsxWriter, read back by exceljs. */
async function written(rows: Cell[][], options: Partial<ConstructorParameters<typeof XlsxWriter>[1]> = {}) {
  const chunks: Uint8Array[] = [];
  const writer = new XlsxWriter((chunk) => chunks.push(chunk), {
    sheetName: 'Records',
    header: ['Name', 'Hours'],
    ...options,
  });
  for (const row of rows) writer.addRow(row);
  writer.end();
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return book;
}

const valuesOf = (sheet: ExcelJS.Worksheet) =>
  Array.from({ length: sheet.rowCount }, (_, i) => (sheet.getRow(i + 1).values as unknown[]).slice(1));

describe('exports: the XLSX writer', () => {
  it('writes the header and the rows, numbers as numbers, empty cells empty', async () => {
    const book = await written([
      ['Amina Okello', 6],
      ['', 4.5],
      ['Brian Mugisha', null],
    ]);
    expect(book.worksheets.map((s) => s.name)).to.deep.equal(['Records']);
    expect(valuesOf(book.worksheets[0]!)).to.deep.equal([
      ['Name', 'Hours'],
      ['Amina Okello', 6],
      [undefined, 4.5],
      ['Brian Mugisha'],
    ]);
  });

  it('splits rows across sheets, each with the header, past the rows a sheet holds', async () => {
    const book = await written(
      Array.from({ length: 5 }, (_, i) => [`Person ${i + 1}`, i]),
      { rowsPerSheet: 3 },
    );
    expect(book.worksheets.map((s) => s.name)).to.deep.equal(['Records', 'Records (2)', 'Records (3)']);
    expect(book.worksheets.map(valuesOf)).to.deep.equal([
      [
        ['Name', 'Hours'],
        ['Person 1', 0],
        ['Person 2', 1],
      ],
      [
        ['Name', 'Hours'],
        ['Person 3', 2],
        ['Person 4', 3],
      ],
      [
        ['Name', 'Hours'],
        ['Person 5', 4],
      ],
    ]);
  });

  it('keeps text as text: markup, formulas, Arabic, and drops what XML cannot hold', async () => {
    const book = await written([
      ['<b>&"quoted"</b>', 1],
      ['=1+1', 2],
      ['أحمد الحسن', 3],
      ['bell\u0007 and tab\there', 4],
    ]);
    const rows = valuesOf(book.worksheets[0]!).slice(1);
    expect(rows.map((r) => r[0])).to.deep.equal(['<b>&"quoted"</b>', '=1+1', 'أحمد الحسن', 'bell and tab\there']);
    expect(escapeXml('a\u0000b\uFFFEc<')).to.equal('abc&lt;');
  });

  it('lays a sheet out right to left when asked, and freezes the header', async () => {
    const book = await written([['أحمد', 1]], { rightToLeft: true });
    const view = book.worksheets[0]!.views[0]!;
    expect(view.rightToLeft).to.equal(true);
    expect(view.state).to.equal('frozen');
    const plain = await written([['Ahmed', 1]]);
    expect(plain.worksheets[0]!.views[0]!.rightToLeft ?? false).to.equal(false);
  });

  it("cuts a sheet's name to what Excel takes", async () => {
    const book = await written([['x', 1]], { sheetName: 'Records: [2026/27] * a very long name indeed' });
    expect(book.worksheets[0]!.name).to.equal('Records   2026 27    a v');
    expect(book.worksheets[0]!.name.length).to.be.at.most(31);
  });
});

describe('exports: the download', () => {
  let server: http.Server;
  let base: string;
  const pulled = { rows: 0, closed: false };

  before(async () => {
    const app = express();
    app.get('/endless', async (_req, res) => {
      pulled.rows = 0;
      pulled.closed = false;
      async function* endless() {
        try {
          for (;;) {
            pulled.rows += 1;
            yield [`row ${pulled.rows}`, 'x'.repeat(200)];
            if (pulled.rows % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
          }
        } finally {
          pulled.closed = true;
        }
      }
      await sendTable(res, 'csv', { name: 'endless', header: ['Row', 'Padding'], rows: endless() });
    });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('reads rows only as fast as the reader takes them, and stops reading when the reader goes', async () => {
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${base}/endless`, (res) => {
          res.pause(); // a reader that takes nothing: the server must wait, not read on
          setTimeout(() => {
            res.destroy();
            resolve();
          }, 300);
        })
        .on('error', reject);
    });
    const whileStalled = pulled.rows;
    // 200 bytes a row: a few MB of buffers at most, never the endless rest
    expect(whileStalled).to.be.greaterThan(0).and.lessThan(50_000);
    for (let wait = 0; wait < 50 && !pulled.closed; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled.closed, 'the rows were closed (a cursor would be)').to.equal(true);
    expect(pulled.rows - whileStalled).to.be.lessThan(1_000);
  });
});
