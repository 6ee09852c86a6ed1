import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { baseName } from '../src/storage/file-name.ts';
import { decideType } from '../src/storage/upload-type.ts';
import { zipEntryNames } from '../src/storage/zip-entries.ts';
import * as files from './support/files.ts';

// The type of an upload comes from its content; the name only has to agree with it.

describe('upload checks', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cadre-types-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  let counter = 0;
  async function decide(name: string, content: Buffer) {
    const file = path.join(dir, `upload-${++counter}`);
    await writeFile(file, content);
    return decideType(file, name);
  }

  describe('upload types: what is accepted, by content', () => {
    const accepted: [string, () => Buffer, string][] = [
      ['handout.pdf', () => files.pdf(), 'application/pdf'],
      [
        'notes.docx',
        () => files.office('docx'),
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      ['scores.xlsx', () => files.office('xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [
        'slides.pptx',
        () => files.office('pptx'),
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      ],
      ['old.doc', () => files.compoundFile('WordDocument'), 'application/msword'],
      ['old.xls', () => files.compoundFile('Workbook'), 'application/vnd.ms-excel'],
      ['old.ppt', () => files.compoundFile('PowerPoint Document'), 'application/vnd.ms-powerpoint'],
      ['text.odt', () => files.openDocument('text'), 'application/vnd.oasis.opendocument.text'],
      ['sheet.ods', () => files.openDocument('spreadsheet'), 'application/vnd.oasis.opendocument.spreadsheet'],
      ['talk.odp', () => files.openDocument('presentation'), 'application/vnd.oasis.opendocument.presentation'],
      ['readme.txt', () => files.text(), 'text/plain; charset=utf-8'],
      ['list.csv', () => files.csv(), 'text/csv; charset=utf-8'],
      ['with-bom.csv', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), files.csv()]), 'text/csv; charset=utf-8'],
      ['photo.png', () => files.png(), 'image/png'],
      ['photo.jpg', () => files.jpeg(), 'image/jpeg'],
      ['PHOTO.JPEG', () => files.jpeg(), 'image/jpeg'],
      ['film.mp4', () => files.mp4(), 'video/mp4'],
      ['talk.mp3', () => files.mp3(), 'audio/mpeg'],
    ];
    for (const [name, build, mimeType] of accepted) {
      it(`accepts ${name} as ${mimeType}`, async () => {
        const decision = await decide(name, build());
        expect(decision).to.include({ accepted: true, mimeType });
      });
    }

    it('gives the SHA-256 and the size of what it read', async () => {
      const decision = await decide('readme.txt', Buffer.from('abc'));
      expect(decision.accepted).to.equal(true);
      if (!decision.accepted) return;
      expect(decision.scan.sha256).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(decision.scan.size).to.equal(3);
    });
  });

  describe('upload types: what is refused, and why', () => {
    const refused: [string, string, () => Buffer][] = [
      ['a Linux program named .pdf', 'executable', () => files.elf()],
      ['a Windows program named .pdf', 'executable', () => files.windowsProgram()],
      ['a web page named .pdf', 'markup', () => files.html()],
      ['a drawing named .pdf', 'markup', () => files.svg()],
      ['a PNG named .pdf', 'mismatch', () => files.png()],
      ['a zip named .pdf', 'archive', () => files.zip([{ name: 'a.txt', data: 'x' }])],
      ['an empty file', 'empty', () => Buffer.alloc(0)],
    ];
    for (const [what, reason, build] of refused) {
      it(`refuses ${what} (${reason})`, async () => {
        expect(await decide('handout.pdf', build())).to.include({ accepted: false, reason });
      });
    }

    it('refuses programs, pages, drawings and scripts under their own names', async () => {
      expect(await decide('setup.exe', files.windowsProgram())).to.include({ reason: 'executable' });
      expect(await decide('tool', files.elf())).to.include({ reason: 'executable' });
      expect(await decide('page.html', files.html())).to.include({ reason: 'markup' });
      expect(await decide('logo.svg', files.svg())).to.include({ reason: 'markup' });
      expect(await decide('logo.svg', Buffer.from('<?xml version="1.0"?><svg/>'))).to.include({ reason: 'markup' });
      expect(await decide('run.js', Buffer.from('require("child_process").exec("rm -rf /")'))).to.include({
        reason: 'script',
      });
      expect(await decide('run.sh', Buffer.from('echo hello'))).to.include({ reason: 'script' });
      expect(await decide('notes.txt', Buffer.from('#!/bin/sh\nrm -rf /\n'))).to.include({ reason: 'script' });
    });

    it('refuses a page or drawing saved as text', async () => {
      expect(await decide('notes.txt', files.html())).to.include({ reason: 'markup' });
      expect(await decide('data.csv', files.svg())).to.include({ reason: 'markup' });
      const hidden = Buffer.from('Minutes of the meeting\n<script>alert(1)</script>\n');
      expect(await decide('notes.txt', hidden)).to.include({ reason: 'markup' });
    });

    it('refuses text with NUL bytes or that is not UTF-8', async () => {
      expect(await decide('notes.txt', Buffer.from('abc\0def'))).to.include({ reason: 'notText' });
      expect(await decide('notes.txt', Buffer.from([0x61, 0xe9, 0x74, 0xe9]))).to.include({ reason: 'notText' }); // Latin-1
      expect(await decide('notes.txt', Buffer.from([0x61, 0xd0]))).to.include({ reason: 'notText' }); // cut in half
    });

    it('refuses an archive, with or without a program inside, whatever its name', async () => {
      const withProgram = files.zip([{ name: 'setup.exe', data: files.windowsProgram() }]);
      for (const name of ['bundle.zip', 'handout.docx', 'handout.pdf', 'notes.txt']) {
        expect(await decide(name, withProgram), name).to.include({ accepted: false, reason: 'archive' });
      }
    });

    it('refuses an Office or OpenDocument file that hides a program or macros', async () => {
      const hiding = files.office('docx', [{ name: 'word/embeddings/setup.exe', data: files.windowsProgram() }]);
      expect(await decide('notes.docx', hiding)).to.include({ reason: 'hiddenProgram' });
      const macros = files.office('xlsx', [{ name: 'xl/vbaProject.bin', data: Buffer.alloc(64, 1) }]);
      expect(await decide('scores.xlsx', macros)).to.include({ reason: 'macro' });
    });

    it('refuses content that does not match its extension', async () => {
      expect(await decide('notes.docx', files.office('xlsx'))).to.include({ reason: 'mismatch', detected: 'xlsx' });
      expect(await decide('photo.png', files.jpeg())).to.include({ reason: 'mismatch' });
      expect(await decide('talk.mp3', files.mp4())).to.include({ reason: 'mismatch' });
      expect(await decide('film.mp4', files.pdf())).to.include({ reason: 'mismatch' });
      expect(await decide('readme.txt', files.pdf())).to.include({ reason: 'mismatch' });
      expect(await decide('old.doc', files.compoundFile('Workbook'))).to.include({ reason: 'mismatch' });
      expect(await decide('notes.doc', files.text())).to.include({ reason: 'mismatch' });
    });

    it('refuses types that are not on the list, and files without an extension', async () => {
      const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
      expect(await decide('anim.gif', gif)).to.include({ reason: 'notAllowed' });
      expect(await decide('README', files.text())).to.include({ reason: 'notAllowed' });
      expect(await decide('photo.png.gif', files.png())).to.include({ reason: 'notAllowed' });
    });
  });

  describe('upload names', () => {
    it('keeps only the base name, in any script, and never a path', () => {
      expect(baseName('../../etc/passwd.pdf')).to.equal('passwd.pdf');
      expect(baseName('..\\..\\Windows\\win.ini.txt')).to.equal('win.ini.txt');
      expect(baseName('C:\\Users\\amina\\План занятий.pdf')).to.equal('План занятий.pdf');
      expect(baseName('خطة التدريب.docx')).to.equal('خطة التدريب.docx');
      expect(baseName('..')).to.equal('file');
      expect(baseName('.hidden.txt')).to.equal('hidden.txt');
      expect(baseName('a\u0000b\r\n.txt')).to.equal('a_b__.txt');
      expect(baseName('report\u202Efdp.exe')).to.equal('reportfdp.exe');
      expect(baseName(`${'x'.repeat(300)}.pdf`))
        .to.have.length(200)
        .and.match(/\.pdf$/);
    });

    it('reads the names of the entries of a zip, and nothing from a file that is no zip', async () => {
      const file = path.join(dir, 'entries.zip');
      await writeFile(
        file,
        files.zip([
          { name: 'a.txt', data: 'a' },
          { name: 'dir/b.exe', data: 'b' },
        ]),
      );
      expect(await zipEntryNames(file)).to.deep.equal(['a.txt', 'dir/b.exe']);
      await writeFile(file, files.pdf());
      expect(await zipEntryNames(file)).to.equal(undefined);
    });
  });
});
