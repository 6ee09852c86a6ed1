import { auditEach } from '../audit/audit.ts';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { create as contentDisposition } from 'content-disposition';
import type { TFunction } from 'i18next';
import { keepsCompletionRecords } from '../access/completion.policy.ts';
import { requireUser } from '../access/guards.ts';
import type { Config } from '../config.ts';
import { getRecord } from '../completions/completions.service.ts';
import { isPrintable, printableRecordsOfSession } from '../completions/session-records.service.ts';
import { conflict } from '../http/errors.ts';
import type { Language } from '../i18n/i18n.ts';
import { personSummaries } from '../people/people.service.ts';
import { getSession } from '../sessions/sessions.service.ts';
import { factsOf, logPrints } from './certificate-prints.ts';
import { certificateLanguage, certificatesFileName, certificatesPdf } from './certificates.service.ts';

// Downloading certificates (decision 0014): one record's, or a session's together in one PDF,
// each in the language of the person it is for unless a coordinator chooses another (?lang=),
// drawn from the record as issued; a certificate printed before comes out marked as a reprint.

type Deps = { config: Config; i18n: { getFixedT(language: string): TFunction } };

export function certificatesRouter({ config, i18n }: Deps): Router {
  const router = Router();
  const fontsDir = path.join(config.projectRoot, 'assets', 'fonts');
  const baseUrl = (req: Request) => config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
  /** a language a coordinator or admin chose for the print; others get each person's own */
  const chosenLanguage = (req: Request) => (keepsCompletionRecords(req.user!) ? req.query.lang : undefined);

  async function send(req: Request, res: Response, records: Parameters<typeof factsOf>[0][], languages: Language[]) {
    const reprinted = await logPrints(records, req.user!.id, (i) => languages[i]!);
    await auditEach(
      req.user!,
      records.map((record, i) => ({
        action: 'certificate.print' as const,
        subject: { collection: 'completion_records', id: record._id },
        institutions: [record.issuingInstitution],
        details: { language: languages[i]!, reprint: reprinted[i] !== null },
      })),
    );
    const certificates = records.map((record, i) => ({
      facts: factsOf(record, languages[i]!, reprinted[i]!),
      language: languages[i]!,
    }));
    const pdf = await certificatesPdf(certificates, { baseUrl: baseUrl(req), i18n, fontsDir });
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', contentDisposition(certificatesFileName(certificates)));
    res.set('Cache-Control', 'private, no-store');
    res.send(pdf);
  }

  const languagesOf = async (req: Request, people: readonly { person: unknown }[]) => {
    const preferences = new Map(
      (await personSummaries(people.map((p) => p.person))).map((p) => [p._id.toHexString(), p.language]),
    );
    return people.map((p) =>
      certificateLanguage(preferences.get(String(p.person)), chosenLanguage(req), config.defaultLanguage),
    );
  };

  router.get('/completions/:id/certificate.pdf', requireUser, async (req, res) => {
    const { record } = await getRecord(req.user!, String(req.params.id), 'read');
    if (!isPrintable(record)) throw conflict('certificates:errors.notPrintable');
    await send(req, res, [record.toObject()], await languagesOf(req, [record]));
  });

  router.get('/sessions/:id/certificates.pdf', requireUser, async (req, res) => {
    const session = await getSession(req.user!, String(req.params.id), 'readRoster');
    const records = await printableRecordsOfSession(session._id);
    if (records.length === 0) throw conflict('certificates:errors.noneInSession');
    await send(req, res, records, await languagesOf(req, records));
  });

  return router;
}
