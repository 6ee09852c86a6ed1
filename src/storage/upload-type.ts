import { fileTypeFromFile } from 'file-type';
import { extensionOf } from './file-name.ts';
import { scanFile, type FileScan } from './file-scan.ts';
import { zipEntryNames } from './zip-entries.ts';

// What a file is, decided by its content (file-type's magic bytes), never by the browser's
// claim; its extension must agree. Only the types below are taken. Text and CSV have no
// magic bytes: they must be valid UTF-8 without NUL bytes and must not be a web page or a
// script in disguise. Office and OpenDocument files are zips: their entry names must not
// hide a program or a macro project.

type Allowed = { detected: readonly string[]; mimeType: string };

const OFFICE = 'application/vnd.openxmlformats-officedocument';
const OPEN_DOCUMENT = 'application/vnd.oasis.opendocument';

/** Allowed extensions, what file-type must find in them ('' = nothing: text), and the type we serve. */
const ALLOWED: Record<string, Allowed> = {
  pdf: { detected: ['pdf'], mimeType: 'application/pdf' },
  docx: { detected: ['docx'], mimeType: `${OFFICE}.wordprocessingml.document` },
  xlsx: { detected: ['xlsx'], mimeType: `${OFFICE}.spreadsheetml.sheet` },
  pptx: { detected: ['pptx'], mimeType: `${OFFICE}.presentationml.presentation` },
  doc: { detected: ['cfb'], mimeType: 'application/msword' },
  xls: { detected: ['cfb'], mimeType: 'application/vnd.ms-excel' },
  ppt: { detected: ['cfb'], mimeType: 'application/vnd.ms-powerpoint' },
  odt: { detected: ['odt'], mimeType: `${OPEN_DOCUMENT}.text` },
  ods: { detected: ['ods'], mimeType: `${OPEN_DOCUMENT}.spreadsheet` },
  odp: { detected: ['odp'], mimeType: `${OPEN_DOCUMENT}.presentation` },
  txt: { detected: [''], mimeType: 'text/plain; charset=utf-8' },
  csv: { detected: [''], mimeType: 'text/csv; charset=utf-8' },
  png: { detected: ['png', 'apng'], mimeType: 'image/png' },
  jpg: { detected: ['jpg'], mimeType: 'image/jpeg' },
  jpeg: { detected: ['jpg'], mimeType: 'image/jpeg' },
  mp4: { detected: ['mp4', 'm4v'], mimeType: 'video/mp4' },
  mp3: { detected: ['mp3'], mimeType: 'audio/mpeg' },
};

export const ALLOWED_EXTENSIONS = Object.keys(ALLOWED);

/** A legacy Office file is an OLE container (as an installer is): its main stream must be there. */
const LEGACY_STREAMS: Record<string, string> = { doc: 'WordDocument', xls: 'Workbook', ppt: 'PowerPoint Document' };

const EXECUTABLE_TYPES = new Set(['exe', 'elf', 'macho', 'dex', 'class', 'wasm', 'msi', 'deb', 'rpm', 'apk', 'jar']);
const ARCHIVE_TYPES = new Set(['zip', 'rar', '7z', 'gz', 'tar', 'bz2', 'xz', 'zst', 'lz', 'lzh', 'cab', 'ar', 'cpio']);
const ARCHIVE_TYPES_TOO = new Set(['arj', 'lzma', 'Z', 'zstd', 'epub', 'xpi', 'crx', 'dmg', 'iso']);
const EXECUTABLE_NAMES =
  /\.(exe|dll|com|scr|msi|cpl|sys|elf|so|dylib|app|bat|cmd|ps1|psm1|vbs|vbe|js|jse|wsf|wsh|hta|jar|sh|lnk|pif)$/i;
const SCRIPT_EXTENSIONS = new Set([
  'js',
  'mjs',
  'cjs',
  'vbs',
  'vbe',
  'ps1',
  'sh',
  'bash',
  'bat',
  'cmd',
  'py',
  'pl',
  'php',
  'rb',
  'hta',
  'wsf',
  'jse',
  'lua',
]);
const MARKUP_EXTENSIONS = new Set(['html', 'htm', 'xhtml', 'shtml', 'svg', 'svgz', 'xml', 'xsl', 'mht', 'mhtml']);
/** a page or drawing the browser would run: <html, <!doctype, <svg, <?xml, <script… */
const MARKUP_START = /^\s*<(?:[!?]|[a-z])/i;
const MARKUP_ANYWHERE = /<(?:script|html|svg|iframe|object|embed|body)\b|<!doctype/i;

export type RefusalReason =
  | 'empty'
  | 'executable'
  | 'script'
  | 'markup'
  | 'archive'
  | 'hiddenProgram'
  | 'macro'
  | 'mismatch'
  | 'notAllowed'
  | 'notText';

export type TypeDecision =
  | { accepted: true; mimeType: string; extension: string; scan: FileScan }
  | { accepted: false; reason: RefusalReason; extension: string; detected?: string };

const refuse = (reason: RefusalReason, extension: string, detected?: string): TypeDecision => ({
  accepted: false,
  reason,
  extension,
  ...(detected ? { detected } : {}),
});

/** Decides whether an uploaded file may be stored, and as what type; name is its base name. */
export async function decideType(filePath: string, name: string): Promise<TypeDecision> {
  const extension = extensionOf(name);
  const allowed = ALLOWED[extension];
  const legacyStream = LEGACY_STREAMS[extension];
  const scan = await scanFile(filePath, legacyStream ? { legacy: Buffer.from(legacyStream, 'utf16le') } : {});
  if (scan.size === 0) return refuse('empty', extension);
  const detected = (await fileTypeFromFile(filePath))?.ext;

  if (detected && EXECUTABLE_TYPES.has(detected)) return refuse('executable', extension, detected);
  if (detected && (ARCHIVE_TYPES.has(detected) || ARCHIVE_TYPES_TOO.has(detected))) {
    return refuse('archive', extension, detected);
  }
  if (detected === 'xml' || (!detected && MARKUP_START.test(stripBom(scan.head)))) {
    return refuse('markup', extension, detected);
  }
  if (!detected && stripBom(scan.head).startsWith('#!')) return refuse('script', extension);
  if (!allowed) {
    if (MARKUP_EXTENSIONS.has(extension)) return refuse('markup', extension, detected);
    if (SCRIPT_EXTENSIONS.has(extension)) return refuse('script', extension, detected);
    if (EXECUTABLE_NAMES.test(name)) return refuse('executable', extension, detected);
    return refuse('notAllowed', extension, detected);
  }
  if (!allowed.detected.includes(detected ?? '')) return refuse('mismatch', extension, detected);

  if (!detected) {
    if (scan.hasNul || !scan.validUtf8) return refuse('notText', extension);
    if (MARKUP_ANYWHERE.test(scan.head)) return refuse('markup', extension);
  }
  if (legacyStream && !scan.found.has('legacy')) return refuse('mismatch', extension, 'cfb');
  if (detected && ['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp'].includes(detected)) {
    const problem = await inspectZipEntries(filePath);
    if (problem) return refuse(problem, extension, detected);
  }
  return { accepted: true, mimeType: allowed.mimeType, extension, scan };
}

function stripBom(text: string): string {
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

/** A document whose entries include a program or a macro project is refused. */
async function inspectZipEntries(filePath: string): Promise<RefusalReason | undefined> {
  const names = await zipEntryNames(filePath);
  if (!names) return 'mismatch'; // file-type read its first entries, but it is no whole zip
  if (names.some((n) => EXECUTABLE_NAMES.test(n))) return 'hiddenProgram';
  if (names.some((n) => /(^|\/)vbaProject\.bin$/i.test(n) || /^(Basic|Scripts)\//.test(n))) return 'macro';
  return undefined;
}
