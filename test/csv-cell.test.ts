import { expect } from 'chai';
import { csvCell, startsLikeFormula } from '../src/http/csv-cell.ts';
import { buildApp } from './support/context.ts';
import { buildCountry, buildInstitution, buildTrainingSession, buildUser } from './support/factories.ts';
import { post, signIn } from './support/http.ts';

// The roster CSV is opened in spreadsheets: a cell that would start a formula, however it is
// disguised, gets an apostrophe in front and is read as text; everything else is left as it is.

describe('a CSV cell', () => {
  describe('that starts like a formula', () => {
    const cases: [string, string][] = [
      ['=SUM(A1:A9)', 'an equals sign'],
      ['+1+1', 'a plus sign'],
      ['-1+1', 'a minus sign'],
      ['@SUM(A1)', 'an at sign'],
      ['\t=1', 'a tab'],
      ['\r=1', 'a carriage return'],
      ['＝HYPERLINK("http://evil.example")', 'a full-width equals sign'],
      ['＋1', 'a full-width plus sign'],
      ['－1', 'a full-width minus sign'],
      ['＠SUM(A1)', 'a full-width at sign'],
      ['﹦1', 'a small equals sign'],
      ['\u200B=1', 'a zero-width space'],
      ['\uFEFF=1', 'a byte-order mark'],
      ['\u2060=1', 'a word joiner'],
      ['\u200E\u200F=1', 'direction marks'],
      ['\u202E=1', 'a bidi override'],
      ['\u00A0=1', 'a no-break space'],
      ['\u3000=1', 'an ideographic space'],
      [' =1', 'a plain space'],
      ['\u2028=1', 'a line separator'],
      ['\n=1', 'a line feed'],
      ['\u0000=1', 'a NUL'],
      ['\u200B\uFEFF \t＝1', 'several invisible characters and a full-width sign'],
    ];
    for (const [value, what] of cases) {
      it(`is guarded when it starts with ${what}`, () => {
        expect(startsLikeFormula(value), JSON.stringify(value)).to.equal(true);
        const cell = csvCell(value);
        // the apostrophe comes first, inside the quotes when the cell needs them
        expect(cell.replace(/^"/, '').startsWith("'"), cell).to.equal(true);
        // the value itself is kept, not rewritten
        expect(
          cell
            .replace(/^"'?|"$/g, '')
            .replace(/^'/, '')
            .replace(/""/g, '"'),
        ).to.equal(value);
      });
    }
  });

  describe('that does not start like a formula', () => {
    const cases: [string, string][] = [
      ['Amina Nakato', 'a name'],
      ['SN-1', 'a dash inside'],
      ['a=b', 'an equals sign inside'],
      ['e-mail@example.org', 'an at sign inside'],
      ['Зоя', 'Cyrillic'],
      ['أمينة', 'Arabic'],
      ['\u200Bname', 'an invisible character before a letter'],
      ['１２３', 'full-width digits'],
      ['', 'nothing'],
      ['\u200B', 'only an invisible character'],
    ];
    for (const [value, what] of cases) {
      it(`is left as it is when it holds ${what}`, () => {
        expect(startsLikeFormula(value), JSON.stringify(value)).to.equal(false);
        expect(csvCell(value)).to.equal(value);
      });
    }
  });

  it('quotes a cell holding a comma, a quote or a line break, doubling the quotes', () => {
    expect(csvCell('Nakato, Amina')).to.equal('"Nakato, Amina"');
    expect(csvCell('say "hi"')).to.equal('"say ""hi"""');
    expect(csvCell('two\nlines')).to.equal('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).to.equal(`"'=HYPERLINK(""x"")"`);
  });

  it('writes undefined and null as empty cells and numbers as they are', () => {
    expect(csvCell(undefined)).to.equal('');
    expect(csvCell(null)).to.equal('');
    expect(csvCell(12)).to.equal('12');
    expect(csvCell(-3)).to.equal("'-3");
  });
});

describe('the roster CSV export', () => {
  it('when names are disguised formulas (full-width, behind invisible characters), each is guarded', async () => {
    const app = await buildApp();
    const country = await buildCountry();
    const institution = await buildInstitution({ country: country._id });
    const session = await buildTrainingSession({ venue: institution });
    const coordinator = await buildUser({ roles: ['coordinator'], institution });
    const names = ['＝HYPERLINK("http://evil.example")', '\u200B=cmd|"/c calc"!A1', '\u2060@SUM(A1)'];
    for (const fullName of names) {
      const person = await buildUser({ institution, fullName });
      const res = await post(await signIn(app, person.email!), `/sessions/${session.id as string}/enrolments/enrol`);
      expect(res.status).to.equal(303);
    }
    const csv = await (await signIn(app, coordinator.email!)).get(`/sessions/${session.id as string}/enrolments.csv`);
    expect(csv.status).to.equal(200);
    for (const name of names) expect(csv.text, name).to.include(csvCell(name));
    expect(csv.text).to.include(`"'＝HYPERLINK(""http://evil.example"")"`);
    expect(csv.text).to.include(`"'\u200B=cmd|""/c calc""!A1"`);
    expect(csv.text).to.include(`'\u2060@SUM(A1)`);
  });
});
