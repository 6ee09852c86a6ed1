import { expect } from 'chai';
import { coverageOf, DonorFigures, noOne, type ReportedRecord } from '../src/reports/donor-figures.ts';

// The donor report's arithmetic (issue 14): who counts as trained, the hours, the completion
// rate, the knowledge gain and the coverage, every count by gender.

const record = (fields: Partial<ReportedRecord>): ReportedRecord => ({
  person: 'p1',
  gender: 'female',
  rank: 'Sergeant',
  institution: 'Luzira',
  module: 'PVE-1',
  hours: 6,
  result: 'completed',
  status: 'valid',
  pre: null,
  post: null,
  ...fields,
});

const counts = (fields: Partial<ReturnType<typeof noOne>>) => ({ ...noOne(), ...fields });

describe('donor figures', () => {
  it('counts a person trained once per module and rank however many records, and every record’s hours', () => {
    const figures = new DonorFigures();
    figures.add(record({ person: 'p1' }));
    figures.add(record({ person: 'p1', status: 'superseded' })); // the same module taken again
    figures.add(record({ person: 'p2', gender: 'male', hours: 4.5, status: 'expired' }));
    figures.add(record({ person: 'p3', gender: undefined }));
    figures.add(record({ person: 'p4', gender: 'nonsense', rank: 'Corporal' }));
    const { trained } = figures.tables();
    expect(trained.map((r) => [r.rank, r.people, r.hours])).to.deep.equal([
      ['Corporal', counts({ undisclosed: 1, total: 1 }), counts({ undisclosed: 6, total: 6 })],
      [
        'Sergeant',
        counts({ female: 1, male: 1, undisclosed: 1, total: 3 }),
        counts({ female: 12, male: 4.5, undisclosed: 6, total: 22.5 }),
      ],
    ]);
  });

  it('leaves out revoked and withdrawn records, and counts a result not completed as given, not trained', () => {
    const figures = new DonorFigures();
    figures.add(record({ person: 'p1' }));
    figures.add(record({ person: 'p2', result: 'not_completed' }));
    figures.add(record({ person: 'p3', gender: 'male', result: 'not_completed' }));
    figures.add(record({ person: 'p4', status: 'revoked' }));
    figures.add(record({ person: 'p5', status: 'withdrawn' }));
    const { trained, rates } = figures.tables();
    expect(trained[0]!.people).to.deep.equal(counts({ female: 1, total: 1 }));
    expect(rates).to.have.length(1);
    expect(rates[0]!.completed).to.deep.equal(counts({ female: 1, total: 1 }));
    expect(rates[0]!.given).to.deep.equal(counts({ female: 2, male: 1, total: 3 }));
    expect(rates[0]!.rate).to.deep.equal({ female: 50, male: 0, other: null, undisclosed: null, total: 33.3 });
  });

  it('gains: the mean post less the mean pre, over the records with both, by gender', () => {
    const figures = new DonorFigures();
    figures.add(record({ person: 'p1', pre: 40, post: 80 }));
    figures.add(record({ person: 'p2', pre: 50, post: 60 }));
    figures.add(record({ person: 'p3', gender: 'male', pre: 70, post: 75 }));
    figures.add(record({ person: 'p4', gender: 'male', pre: 10, post: null })); // no post: not tested
    const [gain] = figures.tables().gains;
    expect(gain!.tested).to.deep.equal(counts({ female: 2, male: 1, total: 3 }));
    expect([gain!.pre, gain!.post]).to.deep.equal([53.3, 71.7]);
    expect(gain!.gain).to.deep.equal({ female: 25, male: 5, other: null, undisclosed: null, total: 18.3 });
  });

  it('sorts by institution, module and rank', () => {
    const figures = new DonorFigures();
    figures.add(record({ institution: 'B', module: 'M1' }));
    figures.add(record({ institution: 'A', module: 'M2' }));
    figures.add(record({ institution: 'A', module: 'M1', rank: 'Z' }));
    figures.add(record({ institution: 'A', module: 'M1', rank: 'B' }));
    expect(figures.tables().trained.map((r) => `${r.institution}/${r.module}/${r.rank}`)).to.deep.equal([
      'A/M1/B',
      'A/M1/Z',
      'A/M2/Sergeant',
      'B/M1/Sergeant',
    ]);
  });

  it('coverage: the share of each institution’s staff covered, by gender', () => {
    const rows = coverageOf(
      [
        { id: 'a', gender: 'female', institution: 'Luzira' },
        { id: 'b', gender: 'female', institution: 'Luzira' },
        { id: 'c', gender: 'male', institution: 'Luzira' },
        { id: 'd', gender: undefined, institution: 'Almaty' },
      ],
      new Set(['a', 'c', 'x']),
    );
    expect(rows).to.deep.equal([
      { institution: 'Almaty', staff: counts({ undisclosed: 1, total: 1 }), covered: counts({}), share: 0 },
      {
        institution: 'Luzira',
        staff: counts({ female: 2, male: 1, total: 3 }),
        covered: counts({ female: 1, male: 1, total: 2 }),
        share: 66.7,
      },
    ]);
  });
});
