import { CompletionRecord } from './completion-record.model.ts';
import { statusAt } from './completion-rules.ts';
import { looksLikeVerifyCode } from './verify-codes.ts';

// What the public verification page (/verify/<code>) may say of a record: the name as issued,
// the module, the last day of the training, the status and the issuer, and nothing else (no
// number, no scores, no e-mail or service number). Only a completion that stands is shown: valid,
// expired, or superseded by a later completion of the same module (it was genuine; a newer
// certificate replaced it). A revoked record, one withdrawn while its session is reopened, a
// record of someone who did not complete, a code nobody has and text that cannot be a code all
// get the same answer, `null`, so the page cannot tell them apart (decision 0015).

export type VerifiedStatus = 'valid' | 'expired' | 'superseded';

export type Verified = {
  name: string;
  module: string;
  endedOn: string;
  status: VerifiedStatus;
  issuer: string;
  issuerCountry: string;
};

const SHOWN: readonly string[] = ['valid', 'expired', 'superseded'];

/** The record a code verifies, as the page shows it, in the reader's language where the module's title was issued in it; null otherwise. */
export async function verification(code: string, language: string, now = new Date()): Promise<Verified | null> {
  if (!looksLikeVerifyCode(code)) return null; // garbage is answered without a query
  const record = await CompletionRecord.findOne(
    { verifyCode: code },
    'nameAsIssued moduleTitle moduleTitles endedOn result status expiresAt issuerName issuerCountryName',
  ).lean();
  if (!record || record.result !== 'completed') return null;
  const status = statusAt(record, now);
  if (!SHOWN.includes(status)) return null;
  return {
    name: record.nameAsIssued,
    module: record.moduleTitles.find((t) => t.language === language)?.title ?? record.moduleTitle,
    endedOn: record.endedOn,
    status: status as VerifiedStatus,
    issuer: record.issuerName,
    issuerCountry: record.issuerCountryName ?? '',
  };
}
