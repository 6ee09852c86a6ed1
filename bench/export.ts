import { execFile } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { hashPassword } from '../src/auth/password.ts';
import { Person } from '../src/people/person.model.ts';
import { csvCell } from '../src/http/csv-cell.ts';
import { Browser, PASSWORD } from './browser.ts';
import { benchVenue } from './fixtures.ts';

// The completion records' export at scale (issue 14): BENCH_RECORDS generated records (a
// million unless given) exported by an administrator over HTTP as CSV and as XLSX, beside a raw
// driver cursor over the same records streamed to CSV (the ceiling), and exceljs' streaming
// writer fed the same raw rows (the writer the XLSX export does not use: why, below). For each:
// rows a second and the growth of the process's RSS over its level before (sampled every 50 ms).
// This process holds the app and the database driver; the exports' HTTP client runs in a child
// process (download-client.ts), so an export's RSS is the server's.

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 5_000);
const BATCH = 5_000;

const FIELDS = [
  'certificateNumber',
  'nameAsIssued',
  'gender',
  'moduleCode',
  'moduleTitle',
  'hours',
  'startedOn',
  'endedOn',
  'attendancePercent',
  'pre',
  'post',
  'result',
  'status',
  'issuedAt',
  'expiresAt',
  'issuerName',
  'issuerCountryCode',
  'source',
] as const;

type Measured = {
  rows: number;
  ms: number;
  rssGrowthMb: number;
  /** the peak growth of V8's heap (its reserved size) and of memory outside it (Buffers) */
  heapGrowthMb: number;
  externalGrowthMb: number;
  retainedMb?: number;
  bytes?: number;
};

/** Runs `work` while sampling the RSS; the peak's growth over the level before. */
async function measured(work: () => Promise<{ rows: number; bytes?: number }>): Promise<Measured> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const peak = { ...before };
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapTotal = Math.max(peak.heapTotal, now.heapTotal);
    peak.external = Math.max(peak.external, now.external);
  }, 50);
  const started = performance.now();
  try {
    const { rows, bytes } = await work();
    const ms = performance.now() - started;
    // with node --expose-gc: what the pass left on the heap once collected (kept, not garbage)
    globalThis.gc?.();
    const retainedMb = globalThis.gc ? (process.memoryUsage().heapUsed - before.heapUsed) / 1024 / 1024 : undefined;
    const mb = (bytes: number) => bytes / 1024 / 1024;
    return {
      rows,
      bytes,
      ms,
      rssGrowthMb: mb(peak.rss - before.rss),
      heapGrowthMb: mb(peak.heapTotal - before.heapTotal),
      externalGrowthMb: mb(peak.external - before.external),
      retainedMb,
    };
  } finally {
    clearInterval(sampler);
  }
}

const line = (m: Measured, ceiling?: Measured) => {
  const perSecond = Math.round(m.rows / (m.ms / 1000));
  const ratio = ceiling
    ? `, ${Math.round((perSecond / (ceiling.rows / (ceiling.ms / 1000))) * 100)}% of the raw cursor`
    : '';
  const size = m.bytes ? `, ${Math.round(m.bytes / 1024 / 1024)} MB` : '';
  const kept =
    m.retainedMb === undefined
      ? ''
      : ` (heap kept after GC ${m.retainedMb >= 0 ? '+' : ''}${m.retainedMb.toFixed(1)} MB)`;
  const parts = `heap +${Math.round(m.heapGrowthMb)}, outside it +${Math.round(m.externalGrowthMb)}`;
  return `${m.rows} rows in ${(m.ms / 1000).toFixed(1)} s: ${perSecond} rows/s${ratio}; RSS +${Math.round(m.rssGrowthMb)} MB (${parts})${kept}${size}`;
};

async function generate() {
  const venues = [await benchVenue('KZA'), await benchVenue('UGA')];
  const passwordHash = await hashPassword(PASSWORD, 14);
  const admin = await Person.create({
    email: 'export-admin@bench.example',
    passwordHash,
    fullName: 'Export Admin',
    roles: ['admin'],
  });
  const people: mongoose.Types.ObjectId[] = [];
  for (let i = 0; i < PEOPLE; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, PEOPLE - i) }, (_, j) => {
      const venue = venues[(i + j) % 2]!;
      return {
        fullName: `Officer ${i + j}`,
        serviceNumber: `SN-${i + j}`,
        rank: ['Warder', 'Corporal', 'Sergeant', 'Inspector'][(i + j) % 4],
        gender: (i + j) % 3 === 0 ? 'female' : 'male',
        roles: ['staff'],
        institution: venue.institution._id,
        country: venue.country._id,
      };
    });
    const inserted = await Person.insertMany(batch, { lean: true });
    people.push(...inserted.map((p) => p._id));
  }
  const records = mongoose.connection.db!.collection('completion_records');
  const started = performance.now();
  for (let i = 0; i < RECORDS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, j) => {
      const n = i + j;
      const venue = venues[n % 2]!;
      const day = `2026-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`;
      const person = people[n % people.length]!;
      return {
        person,
        module: new mongoose.Types.ObjectId(),
        moduleVersion: 1,
        source: 'session',
        sourceKey: `session:bench:${n}`,
        nameAsIssued: `Officer ${n % people.length}`,
        gender: n % 3 === 0 ? 'female' : 'male',
        moduleCode: `PVE-${(n % 6) + 1}`,
        moduleTitle: 'Preventing violent extremism in prisons',
        hours: 6,
        startedOn: day,
        endedOn: day,
        attendancePercent: 90,
        pre: 40 + (n % 30),
        post: 70 + (n % 30),
        result: n % 10 === 0 ? 'not_completed' : 'completed',
        certificateNumber: n % 10 === 0 ? undefined : `${venue.country.code}-2026-${String(n).padStart(7, '0')}`,
        verifyCode: `bench${n}`,
        issuingInstitution: venue.institution._id,
        issuingCountry: venue.country._id,
        issuerName: venue.institution.name,
        issuerCountryCode: venue.country.code,
        issuedAt: new Date(`${day}T12:00:00Z`),
        expiresAt: null,
        status: 'valid',
        revision: 1,
      };
    });
    await records.insertMany(batch, { ordered: false });
  }
  return { admin, venues, generateMs: performance.now() - started };
}

/**
 * Downloads the URL with the cookie in a child process (download-client.ts): the client's
 * buffers are not this process's, whose RSS is the server's. Its rows (CSV) and bytes.
 */
function download(url: string, cookie: string): Promise<{ rows: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'download-client.ts'), url, cookie],
      { maxBuffer: 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as { rows: number; bytes: number })),
    );
  });
}

/** The same records straight from the driver, per issuing country as the export reads them. */
async function* rawRows(countries: mongoose.Types.ObjectId[]) {
  const records = mongoose.connection.db!.collection('completion_records');
  const projection = Object.fromEntries(FIELDS.map((f) => [f, 1]));
  for (const issuingCountry of countries) {
    for await (const record of records.find({ issuingCountry }, { projection, batchSize: 1000 })) {
      yield FIELDS.map((f) => (record[f] instanceof Date ? (record[f] as Date).toISOString().slice(0, 10) : record[f]));
    }
  }
}

/** A sink that keeps nothing, counting bytes; it takes writes as they come. */
const nullSink = () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
};

export const exportScenario = {
  name: 'export',
  describe: `the completion records' export at ${RECORDS} records: CSV and XLSX over HTTP beside a raw cursor, and exceljs' streaming writer`,
  async run(base: string) {
    const { admin, venues, generateMs } = await generate();
    const browser = new Browser(base);
    await browser.signIn(admin.email!);
    const cookie = browser.cookieHeader();
    const countries = venues.map((v) => v.country._id);
    // the first export loads what the app keeps in memory (the people directory): not the export's growth
    await download(`${base}/reports/completions/export?format=csv&gender=other`, cookie);

    const raw = await measured(async () => {
      const sink = nullSink();
      let rows = 0;
      let text = '';
      for await (const row of rawRows(countries)) {
        text += `${row.map(csvCell).join(',')}\r\n`;
        rows++;
        if (text.length > 65_536 && !sink.write(text)) await new Promise((r) => sink.once('drain', r));
        if (text.length > 65_536) text = '';
      }
      sink.end(text);
      return { rows, bytes: sink.bytes };
    });
    const csv = await measured(() => download(`${base}/reports/completions/export?format=csv`, cookie));
    const xlsx = await measured(async () => ({
      rows: RECORDS,
      bytes: (await download(`${base}/reports/completions/export?format=xlsx`, cookie)).bytes,
    }));
    const exceljs = await measured(async () => {
      const sink = nullSink();
      const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false, useStyles: false });
      let sheet = book.addWorksheet('Records');
      let rows = 0;
      for await (const row of rawRows(countries)) {
        if (rows > 0 && rows % 1_048_575 === 0) {
          sheet.commit();
          sheet = book.addWorksheet(`Records ${rows}`);
        }
        sheet.addRow(row).commit();
        rows++;
      }
      sheet.commit();
      await book.commit();
      return { rows, bytes: sink.bytes };
    });
    if (csv.rows !== RECORDS || raw.rows !== RECORDS) {
      throw new Error(`wrong result: the CSV held ${csv.rows} rows and the raw cursor ${raw.rows}, of ${RECORDS}`);
    }
    return {
      records: RECORDS,
      'generated in s': (generateMs / 1000).toFixed(1),
      'raw cursor CSV': line(raw),
      'export CSV': line(csv, raw),
      'export XLSX': line(xlsx, raw),
      'exceljs stream': line(exceljs, raw),
    };
  },
};
