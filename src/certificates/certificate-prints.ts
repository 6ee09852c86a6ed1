import mongoose from 'mongoose';
import { anyOf } from '../db/query.ts';
import type { CompletionRecordFields } from '../completions/session-records.service.ts';
import { moduleTitleIn } from '../modules/module-lookups.service.ts';
import type { Language } from '../i18n/i18n.ts';
import { CertificatePrint } from './certificate-print.model.ts';
import type { CertificateFacts } from './certificate-content.ts';

// A certificate as its record keeps it (decision 0014): nothing is read from the person, the
// module or the institution as they are now. Printing is logged; a record printed before comes
// out marked as a reprint.

type PrintableRecord = Pick<
  CompletionRecordFields,
  | 'certificateNumber'
  | 'verifyCode'
  | 'nameAsIssued'
  | 'gender'
  | 'moduleCode'
  | 'moduleTitle'
  | 'moduleTitles'
  | 'hours'
  | 'startedOn'
  | 'endedOn'
  | 'issuedAt'
  | 'expiresAt'
  | 'issuerName'
  | 'issuerCountryName'
  | 'issuerCountryCode'
  | 'issuerTimeZone'
  | 'signatories'
  | 'issuingInstitution'
> & { _id: mongoose.Types.ObjectId };

/** What the certificate of this record prints, in this language. */
export function factsOf(record: PrintableRecord, language: Language, reprintedAt: Date | null): CertificateFacts {
  return {
    number: record.certificateNumber ?? '',
    verifyCode: record.verifyCode,
    nameAsIssued: record.nameAsIssued,
    gender: record.gender ?? null,
    moduleCode: record.moduleCode,
    moduleTitle: moduleTitleIn({ title: record.moduleTitle, titleTranslations: record.moduleTitles }, language),
    hours: record.hours,
    startedOn: record.startedOn,
    endedOn: record.endedOn,
    issuedAt: record.issuedAt,
    expiresAt: record.expiresAt ?? null,
    issuer: {
      name: record.issuerName,
      country: record.issuerCountryName ?? '',
      countryCode: record.issuerCountryCode || undefined,
      timeZone: record.issuerTimeZone || undefined,
    },
    signatories: record.signatories.map(({ name, role }) => ({ name, role: role ?? '' })),
    reprintedAt,
  };
}

/**
 * Logs a print of each record and says when it is a reprint: the date of this print for a
 * record printed before, null for its first print.
 */
export async function logPrints(
  records: readonly { _id: mongoose.Types.ObjectId }[],
  by: string,
  language: (index: number) => Language,
  now = new Date(),
): Promise<(Date | null)[]> {
  const printed = await CertificatePrint.find({ record: anyOf(records.map((r) => r._id)) }, { record: 1 }).lean();
  const before = new Set(printed.map((p) => p.record.toHexString()));
  await CertificatePrint.insertMany(
    records.map((record, index) => ({
      record: record._id,
      at: now,
      by: new mongoose.Types.ObjectId(by),
      language: language(index),
    })),
  );
  const reprinted = records.map((record) => (before.has(record._id.toHexString()) ? now : null));
  return reprinted;
}
