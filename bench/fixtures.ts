import { Country } from '../src/institutions/country.model.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';

// The small world the HTTP scenarios stand on: a country, an academy, a published module and
// one open session of it, all in UTC.

export async function benchVenue(code: string) {
  const country = await Country.create({ code: code.slice(0, 2), name: `${code} land`, timeZone: 'UTC' });
  const institution = await Institution.create({
    name: `${code} Academy`,
    code,
    type: 'academy',
    country: country._id,
    timeZone: 'UTC',
  });
  return { country, institution };
}

export async function benchSession(
  venue: Awaited<ReturnType<typeof benchVenue>>,
  options: { startsInMs: number; hours: number; capacity: number },
) {
  const module = await TrainingModule.create({
    code: `${venue.institution.code}-1`,
    title: 'Bench',
    objectives: ['Measure.'],
    hours: options.hours,
    languages: ['en'],
    status: 'published',
    publishedAt: new Date(),
  });
  const startsAt = new Date(Date.now() + options.startsInMs);
  return TrainingSession.create({
    module: module._id,
    moduleVersion: 1,
    institution: venue.institution._id,
    country: venue.country._id,
    timeZone: 'UTC',
    startsAt,
    endsAt: new Date(startsAt.getTime() + options.hours * 3_600_000),
    language: 'en',
    capacity: options.capacity,
    status: 'open',
  });
}
