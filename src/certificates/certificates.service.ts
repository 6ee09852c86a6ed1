import type { TFunction } from 'i18next';
import { isLanguage, type Language } from '../i18n/i18n.ts';
import { certificateContent, type CertificateFacts } from './certificate-content.ts';
import { certificatePdf } from './certificate-pdf.ts';

// What the certificate routes call: certificates drawn from the facts their completion records
// keep (decision 0014), each in the language of the person it is for, one page each.

export type { CertificateFacts, Signatory } from './certificate-content.ts';
export { formatCertificateDate, formatDates, verifyUrl } from './certificate-content.ts';

/** One certificate to print, and the language to print it in (certificateLanguage). */
export type CertificateToPrint = { facts: CertificateFacts; language: Language };

export type CertificatesOptions = {
  /** PUBLIC_URL, or the scheme and host of the request: the QR code holds `<baseUrl>/verify/<code>` */
  baseUrl: string;
  /** the app's i18next instance, or anything that gives a language's t */
  i18n: { getFixedT(language: string): TFunction };
  /** assets/fonts */
  fontsDir: string;
};

/**
 * The language of a certificate: the one a coordinator chose for it, else the person's own
 * preference, else the deployment's default.
 */
export function certificateLanguage(preferred: unknown, chosen: unknown, fallback: Language): Language {
  if (isLanguage(chosen)) return chosen;
  if (isLanguage(preferred)) return preferred;
  return fallback;
}

/**
 * Certificates as one PDF, one A4 landscape page each, in the order given (a session's, or a
 * single one). The same facts always give the same file; a reprint differs only by its mark.
 */
export function certificatesPdf(certificates: CertificateToPrint[], options: CertificatesOptions): Promise<Buffer> {
  if (certificates.length === 0) throw new Error('no certificate to print');
  const pages = certificates.map(({ facts, language }) =>
    certificateContent(facts, { language, baseUrl: options.baseUrl, t: options.i18n.getFixedT(language) }),
  );
  const first = certificates[0]!;
  const t = options.i18n.getFixedT(first.language);
  const documentTitle =
    certificates.length === 1
      ? `${t('certificates:documentTitle', { count: 1 })} – ${first.facts.nameAsIssued} – ${first.facts.number}`
      : t('certificates:documentTitle', { count: certificates.length });
  return certificatePdf(pages, { fontsDir: options.fontsDir, documentTitle });
}

/** A download's file name: the number of one certificate, or the module and first day of several. */
export function certificatesFileName(certificates: readonly { facts: CertificateFacts }[]): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'certificate';
  const first = certificates[0]?.facts;
  if (!first) return 'certificates.pdf';
  if (certificates.length === 1) return `certificate-${safe(first.number)}.pdf`;
  return `certificates-${safe(first.moduleCode)}-${first.startedOn}.pdf`;
}
