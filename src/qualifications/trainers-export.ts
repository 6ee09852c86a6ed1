import type { TFunction } from 'i18next';
import { institutionScope, type Actor } from '../access/actor.ts';
import type { Cell } from '../exports/xlsx-writer.ts';
import { institutionSummaries } from '../institutions/institutions.service.ts';
import { activeTrainers } from '../people/people.service.ts';
import { qualificationsOf, withProvenance } from './qualifications.service.ts';

// The trainers' records as a file (decision 0019): every active trainer of the actor's scope
// (admins: everyone's) with each module they are qualified to deliver, when, and where the
// qualification came from; a trainer with none has one row saying so. By name; one query a
// trainer (by trainer, its index), hundreds a site.

const COLUMNS = [
  'trainer',
  'serviceNumber',
  'institution',
  'moduleCode',
  'module',
  'qualifiedOn',
  'source',
  'training',
  'certifiedBy',
  'recordedBy',
] as const;

const day = (date: Date) => date.toISOString().slice(0, 10);

export function trainersExport(actor: Actor, t: TFunction) {
  async function* rows(): AsyncGenerator<Cell[]> {
    const trainers = await activeTrainers(institutionScope(actor));
    const institutions = new Map(
      (await institutionSummaries(trainers.flatMap((p) => p.institution ?? []))).map((i) => [
        i._id.toHexString(),
        i.name,
      ]),
    );
    for (const trainer of trainers) {
      const person = [
        trainer.fullName,
        trainer.serviceNumber ?? '',
        trainer.institution ? (institutions.get(trainer.institution.toHexString()) ?? '') : '',
      ];
      const qualifications = await withProvenance(await qualificationsOf(trainer._id));
      if (qualifications.length === 0) yield [...person, '', t('trainers:export.none'), '', '', '', '', ''];
      for (const q of qualifications) {
        yield [
          ...person,
          q.module?.code ?? '',
          q.module?.title ?? '',
          day(q.qualifiedOn),
          t(q.fromRecord ? 'trainers:export.granted' : 'trainers:provenance.recorded'),
          q.fromModule?.code ?? '',
          q.certifiedByName ?? '',
          q.recordedByName ?? '',
        ];
      }
    }
  }
  return { header: COLUMNS.map((key) => t(`trainers:export.columns.${key}`)), rows: rows() };
}
