// A person's file name is kept to show and to offer in downloads, never used as a path.

const MAX_NAME = 200;

/**
 * The base name of an uploaded file: folders (either slash) dropped, control characters and
 * the characters Windows forbids replaced, bidi overrides removed, Unicode normalised (NFC), at most 200 characters
 * with the extension kept. "../../etc/passwd.pdf" becomes "passwd.pdf".
 */
export function baseName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what we replace
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    // bidi overrides could show "report\u202Efdp.exe" as "reportexe.pdf"
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
  name = name.replace(/^\.+/, '').trim(); // no hidden files, no "..": a name, not a place
  if (name.length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, MAX_NAME - extension.length) + extension;
  }
  return name === '' ? 'file' : name;
}

/** The extension in lower case, without its dot; '' when there is none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The name without its extension, as a title: "Module 3 – slides.pptx" gives "Module 3 – slides". */
export function nameWithoutExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).trim() || name;
}
