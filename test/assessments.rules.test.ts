import { expect } from 'chai';
import { gainOf, knowledgeGain, readScore, resultOf } from '../src/assessments/assessment-rules.ts';
import { scoreLines } from '../src/assessments/scores-import.ts';
import { rulesOf, testsOf } from '../src/modules/module-rules.ts';
import { contentOf } from '../src/modules/module-versioning.ts';
import { moduleSchema } from '../src/modules/modules.schemas.ts';

describe('assessment rules', () => {
  describe('reading a typed score', () => {
    const cases: [string, unknown][] = [
      ['0', { score: 0 }],
      ['100', { score: 100 }],
      ['72.5', { score: 72.5 }],
      ['72,5', { score: 72.5 }],
      [' 60 ', { score: 60 }],
      ['72.50', { score: 72.5 }],
      ['٧٢٫٥', { score: 72.5 }],
      ['', { score: null }],
      ['   ', { score: null }],
      ['100.1', { problem: 'outOfRange' }],
      ['-1', { problem: 'outOfRange' }],
      ['72.55', { problem: 'tooPrecise' }],
      ['abc', { problem: 'notNumber' }],
      ['1e2', { problem: 'notNumber' }],
      ['72,5,1', { problem: 'notNumber' }],
    ];
    for (const [typed, expected] of cases) {
      it(`reads ${JSON.stringify(typed)} as ${JSON.stringify(expected)}`, () => {
        expect(readScore(typed)).to.deep.equal(expected);
      });
    }
    it('refuses a decimal comma where commas separate the columns', () => {
      expect(readScore('72,5', false)).to.deep.equal({ problem: 'notNumber' });
      expect(readScore('72.5', false)).to.deep.equal({ score: 72.5 });
    });
  });

  describe('a participant', () => {
    it('gains post − pre, in tenths without rounding errors, only with both scores', () => {
      expect(gainOf({ pre: 60.1, post: 72.5 })).to.equal(12.4);
      expect(gainOf({ pre: 80, post: 70 })).to.equal(-10);
      expect(gainOf({ pre: null, post: 70 })).to.equal(null);
      expect(gainOf({ pre: 50, post: null })).to.equal(null);
    });
    it('passes at exactly the pass mark, fails a tenth below, has no result without a mark or a post-test', () => {
      expect(resultOf({ pre: null, post: 60 }, 60)).to.equal('passed');
      expect(resultOf({ pre: null, post: 59.9 }, 60)).to.equal('failed');
      expect(resultOf({ pre: 10, post: null }, 60)).to.equal(null);
      expect(resultOf({ pre: 10, post: 90 }, null)).to.equal(null);
    });
  });

  describe('knowledge gain of a session', () => {
    it('counts only those with both scores: mean, median of an odd count, share who improved', () => {
      const gain = knowledgeGain([
        { pre: 40, post: 70 }, // +30
        { pre: 50, post: 50 }, // 0
        { pre: 60.5, post: 55 }, // -5.5
        { pre: null, post: 90 },
        { pre: 30, post: null },
      ]);
      expect(gain.count).to.equal(3);
      expect(gain.mean).to.be.closeTo(24.5 / 3, 1e-9);
      expect(gain.median).to.equal(0);
      expect(gain.improvedShare).to.be.closeTo(1 / 3, 1e-9);
    });
    it('takes the median of an even count as the mean of the two middle gains', () => {
      const gain = knowledgeGain([
        { pre: 0, post: 10 },
        { pre: 0, post: 20.5 },
        { pre: 0, post: 40 },
        { pre: 0, post: 100 },
      ]);
      expect(gain.median).to.equal(30.25);
      expect(gain.mean).to.equal(42.625);
      expect(gain.improvedShare).to.equal(1);
    });
    it('has no figures when nobody has both scores', () => {
      expect(knowledgeGain([{ pre: 10, post: null }])).to.deep.equal({
        count: 0,
        mean: null,
        median: null,
        improvedShare: null,
      });
      expect(knowledgeGain([]).count).to.equal(0);
    });
  });

  describe('a CSV of scores', () => {
    it('reads a BOM and semicolons, with decimal commas', () => {
      const { lines, decimalComma } = scoreLines(Buffer.from('\uFEFFservice number;pre;post\nA-1;40;72,5\n'));
      expect(decimalComma).to.equal(true);
      expect(lines).to.deep.equal([{ line: 2, cells: ['A-1', '40', '72,5'] }]);
    });
    it('reads commas without decimal commas, and skips empty lines', () => {
      const { lines, decimalComma } = scoreLines(Buffer.from('service,pre,post\r\n\r\nA-1,40,72.5\r\nB-2,,\r\n'));
      expect(decimalComma).to.equal(false);
      expect(lines.map((l) => l.cells)).to.deep.equal([
        ['A-1', '40', '72.5'],
        ['B-2', '', ''],
      ]);
    });
    it('refuses a file whose first row holds scores, an empty one, and a binary one', () => {
      expect(() => scoreLines(Buffer.from('A-1,40,50\n')))
        .to.throw()
        .with.property('fieldErrors')
        .that.deep.equals({
          file: { key: 'assessments:import.noHeader' },
        });
      expect(() => scoreLines(Buffer.from('service,pre,post\n')))
        .to.throw()
        .with.property('fieldErrors');
      expect(() => scoreLines(Buffer.from([0x50, 0x4b, 0x00, 0x01])))
        .to.throw()
        .with.property('fieldErrors');
    });
  });
});

describe('module tests and pass mark', () => {
  it('reads a module saved before the flags: a post-test exactly when it has a pass mark', () => {
    expect(testsOf({ passMark: 60 })).to.deep.equal({ hasPreTest: false, hasPostTest: true });
    expect(testsOf({ passMark: null })).to.deep.equal({ hasPreTest: false, hasPostTest: false });
    expect(testsOf({ passMark: null, hasPreTest: true, hasPostTest: false })).to.deep.equal({
      hasPreTest: true,
      hasPostTest: false,
    });
    expect(rulesOf({ passMark: 70, attendanceThreshold: 90, hasPreTest: true, hasPostTest: true })).to.deep.equal({
      hasPreTest: true,
      hasPostTest: true,
      passMark: 70,
      attendanceThreshold: 90,
    });
  });

  it('keeps the flags in a version: an old module whose flags read the same has unchanged content', () => {
    const old = { passMark: 60 };
    expect(contentOf(old)).to.include({ hasPreTest: false, hasPostTest: true });
    expect(contentOf({ passMark: 60, hasPreTest: false, hasPostTest: true })).to.deep.equal(contentOf(old));
  });

  const form = (fields: Record<string, string>) => ({
    code: 'PVE-01',
    title: 'T',
    summary: '',
    objectives: 'One',
    hours: '6',
    deliveryMode: 'classroom',
    audience: '',
    passMark: '',
    attendanceThreshold: '80',
    certificateValidityMonths: '0',
    tags: '',
    ...fields,
  });

  it('reads the two checkboxes, and refuses a pass mark without a post-test beside the pass mark', () => {
    const both = moduleSchema.parse(form({ hasPreTest: 'on', hasPostTest: 'on', passMark: '60' }));
    expect(both).to.include({ hasPreTest: true, hasPostTest: true, passMark: 60 });
    expect(moduleSchema.parse(form({})).hasPreTest).to.equal(false);
    const refused = moduleSchema.safeParse(form({ hasPreTest: 'on', passMark: '60' }));
    expect(refused.success).to.equal(false);
    expect(refused.error!.issues.map((i) => [i.path.join('.'), i.message])).to.deep.equal([
      ['passMark', 'modules:passMark.needsPostTest'],
    ]);
  });
});
