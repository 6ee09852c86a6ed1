import mongoose from 'mongoose';
import { anyOf } from '../db/query.ts';
import { Institution } from '../institutions/institution.model.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import { Curriculum } from '../curricula/curriculum.model.ts';
import type { PlainItem } from '../curricula/curriculum-rules.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

// The demo curricula, built from the demo modules once they exist. Idempotent like the rest of
// the demo seed (src/demo/seed.ts): a curriculum is matched by its code and, once there, never
// changed. A curriculum whose institution or modules are not there yet is skipped, so calling
// this before the modules are seeded does nothing, and calling it again later creates it.

export type DemoCurriculaSummary = { created: number; existing: number; skipped: number };

type PveModule = { _id: mongoose.Types.ObjectId; country?: mongoose.Types.ObjectId | null };

type DemoCurriculum = {
  code: string;
  title: string;
  description: string;
  institutionCode: string;
  /** the items from the published PVE modules of the institution's country and the national ones, by code */
  items: (modules: PveModule[], country: mongoose.Types.ObjectId) => PlainItem[];
};

const item = (module: PveModule, required: boolean): PlainItem => ({ module: module._id.toHexString(), required });
const isOfCountry = (module: PveModule, country: mongoose.Types.ObjectId) => module.country?.equals(country) ?? false;

export const DEMO_CURRICULA: readonly DemoCurriculum[] = [
  {
    code: 'UG-PATS-BASIC',
    title: 'Basic training curriculum — Prison Academy',
    description:
      'The modules on preventing and countering violent extremism that every recruit of the Uganda Prisons ' +
      'Service completes during basic training at the Prison Academy and Training School, in this order.',
    institutionCode: 'UG-PATS',
    items: (modules) => modules.map((m) => item(m, true)),
  },
  {
    code: 'KZ-PSTC-PVE',
    title: 'PVE specialist track',
    description:
      'For officers who work with people convicted of violent extremist offences: the centre’s own PVE ' +
      'modules are required, the national ones are electives.',
    institutionCode: 'KZ-PSTC',
    // a specialist track needs the centre's own modules; national ones alone do not make one
    items: (modules, country) =>
      modules.some((m) => isOfCountry(m, country))
        ? [
            ...modules.filter((m) => isOfCountry(m, country)).map((m) => item(m, true)),
            ...modules.filter((m) => !m.country).map((m) => item(m, false)),
          ]
        : [],
  },
];

/** Published modules tagged PVE (in any case) that a curriculum of the country may hold. */
function pveModules(country: mongoose.Types.ObjectId): Promise<PveModule[]> {
  return TrainingModule.find({ status: 'published', tags: /^pve$/i, country: anyOf([country, null]) }, { country: 1 })
    .sort({ code: 1 })
    .lean<PveModule[]>();
}

export async function seedDemoCurricula(): Promise<DemoCurriculaSummary> {
  const summary: DemoCurriculaSummary = { created: 0, existing: 0, skipped: 0 };
  for (const spec of DEMO_CURRICULA) {
    if (await Curriculum.exists({ code: spec.code })) {
      summary.existing += 1;
      continue;
    }
    const institution = await Institution.findOne({ code: spec.institutionCode }, { country: 1 }).lean();
    const items = institution ? spec.items(await pveModules(institution.country), institution.country) : [];
    if (!institution || items.length === 0) {
      summary.skipped += 1;
      continue;
    }
    try {
      await Curriculum.create({
        code: spec.code,
        title: spec.title,
        description: spec.description,
        institution: institution._id,
        country: institution.country,
        status: 'published',
        publishedAt: new Date(),
        items,
      });
      summary.created += 1;
    } catch (error) {
      // a seed running at the same time created it first
      if (!isDuplicateKey(error)) throw error;
      summary.existing += 1;
    }
  }
  return summary;
}
