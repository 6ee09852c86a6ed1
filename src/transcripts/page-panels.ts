import type { NextFunction, Request, Response } from 'express';
import { curriculumPolicy } from '../access/curriculum.policy.ts';
import { isPeopleManager, personPolicy } from '../access/person.policy.ts';
import { can } from '../access/policy.ts';
import { recordsOfPerson } from '../completions/completion-queries.service.ts';
import { getCurriculum } from '../curricula/curricula.service.ts';
import { isObjectId } from '../db/object-id.ts';
import { HttpError } from '../http/errors.ts';
import { getPerson } from '../people/people.service.ts';
import { totalsOf } from './learning-rules.ts';
import { ownProgress, progressInCurricula } from './progress.service.ts';
import { formatsIn } from './transcript-format.ts';

// Panels of pages served by lower features (decision 0008): the person page (people) and the
// curriculum page (curricula) know nothing of completion records, so this feature's router,
// mounted before theirs, leaves its part in res.locals for their views, as assessments does for
// the session page. A record the reader may not see is left to the page's own answer.

/** The person page's learning panel: the transcript's totals and link, and curriculum progress. */
export async function personPagePanel(req: Request, res: Response, next: NextFunction) {
  const id = String(req.params.id);
  if (!req.user || !isObjectId(id) || !isPeopleManager(req.user)) return next();
  try {
    const person = await getPerson(req.user, id);
    if (!can(req.user, personPolicy, 'readTranscript', person)) return next();
    const records = await recordsOfPerson(person._id);
    res.locals.learningPanel = {
      personId: person.id as string,
      totals: totalsOf(records),
      curricula: await progressInCurricula(person.country?.toHexString(), records),
      formats: formatsIn(req.language),
    };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
  }
  next();
}

/** The curriculum page's progress: the reader's own (once started), and the link to everyone's. */
export async function curriculumPagePanel(req: Request, res: Response, next: NextFunction) {
  const id = String(req.params.id);
  if (!req.user || !isObjectId(id)) return next();
  try {
    const curriculum = await getCurriculum(req.user, id);
    const own = await ownProgress(req.user, curriculum.items);
    const follow = can(req.user, curriculumPolicy, 'followProgress', curriculum);
    if (own || follow) res.locals.curriculumProgress = { id, own, follow };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
  }
  next();
}
