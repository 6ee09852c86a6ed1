import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { create as contentDisposition } from 'content-disposition';
import type { i18n } from 'i18next';
import type { Config } from '../config.ts';
import { requireUser } from '../access/guards.ts';
import { isLanguage, LANGUAGES } from '../i18n/i18n.ts';
import { filterRecords, STANDINGS, totalsOf, yearsOf } from './learning-rules.ts';
import { curriculumPagePanel, personPagePanel } from './page-panels.ts';
import { peopleProgress, progressInCurricula } from './progress.service.ts';
import { renderTranscriptPdf } from './transcript-pdf.ts';
import { formatsIn, recordLine, transcriptPdfContent } from './transcript-format.ts';
import { progressFilterSchema, transcriptFilterSchema, transcriptPdfSchema } from './transcripts.schemas.ts';
import { transcriptOf, type TranscriptPerson } from './transcripts.service.ts';
import { audit } from '../audit/audit.ts';

// Transcripts (issue 13, items 6 and 7): a person's record of learning as a page and a PDF in
// their language, their progress through the curricula of their country, and a curriculum's
// progress page for coordinators. A person reaches their own at /my-transcript; admins and
// coordinators at /people/:id/transcript (the person policy's readTranscript: out of sight 404,
// in sight but not allowed 403). The person and curriculum pages get their panels from here.

type Deps = { config: Config; i18n: i18n };

/** A service number in a file name: letters, digits and hyphens (its slashes would read as folders). */
const fileNamePart = (value: string) => value.replace(/[^\p{L}\p{N}-]/gu, '-');

export function transcriptsRouter({ config, i18n }: Deps): Router {
  const router = Router();
  const fontsDir = path.join(config.projectRoot, 'assets', 'fonts');

  // panels of pages that lower features serve (page-panels.ts): before their routers in app.ts
  router.get('/people/:id', personPagePanel);
  router.get('/curricula/:id', curriculumPagePanel);

  async function renderTranscript(req: Request, res: Response, personId: string, own: boolean) {
    const filter = transcriptFilterSchema.parse(req.query);
    const transcript = await transcriptOf(req.user!, personId);
    await openedBy(req, transcript.person);
    const shown = filterRecords(transcript.records, { standing: filter.status, year: filter.year });
    const base = own ? '/my-transcript' : `/people/${transcript.person.id}/transcript`;
    res.render('transcripts/show', {
      title: own ? req.t('transcripts:my.title') : req.t('transcripts:titleOf', { name: transcript.person.fullName }),
      person: transcript.person,
      own,
      base,
      rows: shown.map((record) => recordLine(record, req.language, req.t)),
      totals: totalsOf(shown),
      any: transcript.records.length > 0,
      years: yearsOf(transcript.records),
      filter,
      standings: STANDINGS,
      languages: LANGUAGES,
      curricula: await progressInCurricula(transcript.person.countryId, transcript.records),
      formats: formatsIn(req.language),
    });
  }

  /** Someone else's transcript opened (as a page or a PDF) goes to the audit log; one's own does not. */
  async function openedBy(req: Request, person: TranscriptPerson, format?: 'pdf') {
    if (person.id === req.user!.id) return;
    await audit(req.user!, {
      action: 'transcript.view',
      subject: { collection: 'users', id: person.id },
      institutions: person.institutionId ? [person.institutionId] : [],
      ...(format ? { details: { format } } : {}),
    });
  }

  async function sendPdf(req: Request, res: Response, personId: string) {
    const transcript = await transcriptOf(req.user!, personId);
    await openedBy(req, transcript.person, 'pdf');
    const chosen = transcriptPdfSchema.parse(req.query).lang;
    const language = chosen ?? (isLanguage(transcript.person.language) ? transcript.person.language : 'en');
    const content = transcriptPdfContent(transcript, { t: i18n.getFixedT(language), language, now: new Date() });
    const pdf = await renderTranscriptPdf(content, fontsDir);
    // who exported whose records: personal data leaves the system only with a record of it
    req.log.info({ person: transcript.person.id, language, userId: req.user!.id }, 'transcript exported');
    res.set('Content-Type', 'application/pdf');
    res.set(
      'Content-Disposition',
      contentDisposition(`transcript-${fileNamePart(transcript.person.serviceNumber ?? transcript.person.id)}.pdf`, {
        type: 'inline',
      }),
    );
    res.set('X-Content-Type-Options', 'nosniff');
    res.send(pdf);
  }

  router.get('/my-transcript', requireUser, (req, res) => renderTranscript(req, res, req.user!.id, true));
  router.get('/my-transcript.pdf', requireUser, (req, res) => sendPdf(req, res, req.user!.id));
  router.get('/people/:id/transcript', requireUser, (req, res) =>
    renderTranscript(req, res, String(req.params.id), String(req.params.id) === req.user!.id),
  );
  router.get('/people/:id/transcript.pdf', requireUser, (req, res) => sendPdf(req, res, String(req.params.id)));

  router.get('/curricula/:id/progress', requireUser, async (req, res) => {
    const filter = progressFilterSchema.parse(req.query);
    const progress = await peopleProgress(req.user!, String(req.params.id), filter);
    res.render('transcripts/people-progress', {
      title: req.t('transcripts:progress.people.title'),
      ...progress,
      filter: { ...filter, institution: progress.institution },
    });
  });

  return router;
}
