import { crc32, deflateSync } from 'node:zlib';

// Tiny real files of every type the uploads take or refuse, built here byte by byte: no
// fixtures to keep, and each shows what makes its type.

/** A minimal valid PDF: one page showing the text, with a correct cross-reference table. */
export function pdf(text = 'Handout'): Buffer {
  const content = `BT /F1 18 Tf 20 100 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A 1×1 red PNG. */
export function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 1×1 JPEG (the well-known smallest progressive one), closed with its end marker. */
export function jpeg(): Buffer {
  const base64 =
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////' +
    '////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=';
  return Buffer.concat([Buffer.from(base64, 'base64'), Buffer.from([0xff, 0xd9])]);
}

export type ZipEntry = { name: string; data: Buffer | string };

/** A zip of stored (uncompressed) entries, with a correct central directory. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const OOXML = {
  docx: { dir: 'word', part: 'document', type: 'wordprocessingml.document.main+xml' },
  xlsx: { dir: 'xl', part: 'workbook', type: 'spreadsheetml.sheet.main+xml' },
  pptx: { dir: 'ppt', part: 'presentation', type: 'presentationml.presentation.main+xml' },
} as const;

/** A minimal Office Open XML file (Word, Excel or PowerPoint); extra entries go in as they are. */
export function office(kind: keyof typeof OOXML, extra: ZipEntry[] = []): Buffer {
  const { dir, part, type } = OOXML[kind];
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/${dir}/${part}.xml" ContentType="application/vnd.openxmlformats-officedocument.${type}"/></Types>`;
  const rels =
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${dir}/${part}.xml"/></Relationships>`;
  return zip([
    { name: '[Content_Types].xml', data: contentTypes },
    { name: '_rels/.rels', data: rels },
    { name: `${dir}/${part}.xml`, data: `<?xml version="1.0" encoding="UTF-8"?><${part}/>` },
    ...extra,
  ]);
}

/** A minimal OpenDocument file: its "mimetype" entry first and stored, as the standard asks. */
export function openDocument(kind: 'text' | 'spreadsheet' | 'presentation' = 'text'): Buffer {
  return zip([
    { name: 'mimetype', data: `application/vnd.oasis.opendocument.${kind}` },
    { name: 'META-INF/manifest.xml', data: '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest/>' },
    { name: 'content.xml', data: '<?xml version="1.0" encoding="UTF-8"?><office:document-content/>' },
  ]);
}

/** A legacy Office file's container (OLE compound file) with its main stream's name in the directory. */
export function compoundFile(stream = 'WordDocument'): Buffer {
  const file = Buffer.alloc(1536);
  file.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 0);
  file.writeUInt16LE(0x3e, 24); // minor version
  file.writeUInt16LE(3, 26); // major version 3: 512-byte sectors
  file.writeUInt16LE(0xfffe, 28); // little-endian
  file.writeUInt16LE(9, 30); // sector shift
  file.write('Root Entry', 512, 'utf16le');
  file.write(stream, 512 + 128, 'utf16le');
  return file;
}

/** The start of an MP4 video: an ftyp box (brand isom) and an empty mdat box. */
export function mp4(): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypisom', 'ascii'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2', 'ascii'),
  ]);
  const mdat = Buffer.concat([Buffer.from([0, 0, 0x04, 0x08]), Buffer.from('mdat', 'ascii'), Buffer.alloc(1024, 7)]);
  return Buffer.concat([ftyp, mdat]);
}

/** An MP3: an empty ID3v2 tag, then MPEG-1 layer III frames (128 kbit/s, 44.1 kHz) of silence. */
export function mp3(): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]);
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64], 0);
  return Buffer.concat([id3, frame, frame, frame]);
}

/** The header of a Linux program. */
export function elf(): Buffer {
  const file = Buffer.alloc(128);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  file.writeUInt16LE(2, 16); // an executable
  file.writeUInt16LE(0x3e, 18); // x86-64
  return file;
}

/** The headers of a Windows program: MZ, then PE at the offset the MZ header gives. */
export function windowsProgram(): Buffer {
  const file = Buffer.alloc(256);
  file.write('MZ', 0, 'ascii');
  file.writeUInt32LE(0x80, 0x3c);
  file.write('PE\0\0', 0x80, 'latin1');
  file.writeUInt16LE(0x8664, 0x84);
  return file;
}

export const html = () =>
  Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
export const svg = () =>
  Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="10"/></svg>', 'utf8');
export const text = (content = 'Учебный план — خطة التدريب — programme\n') => Buffer.from(content, 'utf8');
export const csv = () => Buffer.from('name,rank,institution\nAmina Nakato,Sergeant,Luzira\n', 'utf8');

export type Part = { field: string; name: string; content: Buffer };

/**
 * A multipart/form-data body exactly as a browser sends it: file names as raw UTF-8 between
 * quotes, nothing stripped, so the server's own handling of names is what gets tested.
 */
export function multipart(fields: Record<string, string>, files: Part[]) {
  const boundary = `----cadre${Date.now().toString(16)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    const escaped = file.name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${escaped}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
