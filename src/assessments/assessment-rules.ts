// The arithmetic of assessments, with no database: reading a typed score, a participant's
// result and a session's knowledge gain. Scores are percents with at most one decimal; sums
// and differences are worked in tenths (whole numbers), so 72.5 − 60.1 is 12.4, not 12.399….

export type Scores = { pre: number | null; post: number | null };

export type ScoreProblem = 'notNumber' | 'outOfRange' | 'tooPrecise';
export type ReadScore = { score: number | null } | { problem: ScoreProblem };

// digits as typed on an Arabic keyboard (Arabic-Indic and Persian), and the Arabic decimal sign
const LOCAL_DIGITS = /[\u0660-\u0669\u06F0-\u06F9\u066B]/g;
const asciiDigit = (c: string) => (c === '\u066B' ? '.' : String((c.charCodeAt(0) - 0x0660) % 0x90));

/**
 * A score as typed: empty is "not taken" (null); otherwise a number from 0 to 100 with at
 * most one decimal. `decimalComma` also reads "72,5" (a CSV separated by semicolons).
 */
export function readScore(typed: string, decimalComma = true): ReadScore {
  const text = typed.trim().replace(LOCAL_DIGITS, asciiDigit);
  if (text === '') return { score: null };
  const number = decimalComma ? text.replace(',', '.') : text;
  if (!/^[+-]?(\d+([.]\d*)?|[.]\d+)$/.test(number)) return { problem: 'notNumber' };
  const value = Number(number);
  if (value < 0 || value > 100) return { problem: 'outOfRange' };
  const decimals = /[.](\d*)$/.exec(number)?.[1]?.replace(/0+$/, '') ?? '';
  if (decimals.length > 1) return { problem: 'tooPrecise' };
  return { score: Math.round(value * 10) / 10 };
}

const tenths = (score: number) => Math.round(score * 10);

/** post − pre, when both were taken. */
export function gainOf(scores: Scores): number | null {
  if (scores.pre === null || scores.post === null) return null;
  return (tenths(scores.post) - tenths(scores.pre)) / 10;
}

/** Passed, failed, or no answer: no pass mark, or no post-test score yet. */
export function resultOf(scores: Scores, passMark: number | null): 'passed' | 'failed' | null {
  if (passMark === null || scores.post === null) return null;
  return tenths(scores.post) >= tenths(passMark) ? 'passed' : 'failed';
}

export type KnowledgeGain = {
  /** participants with both scores: the only ones the figures below are about */
  count: number;
  mean: number | null;
  median: number | null;
  /** of those with both scores, the share (0 to 1) whose post-test is above their pre-test */
  improvedShare: number | null;
};

/** A session's knowledge gain from its participants' scores; figures null when nobody has both. */
export function knowledgeGain(scores: readonly Scores[]): KnowledgeGain {
  const gains = scores
    .map(gainOf)
    .filter((gain): gain is number => gain !== null)
    .map(tenths)
    .sort((a, b) => a - b);
  const count = gains.length;
  if (count === 0) return { count, mean: null, median: null, improvedShare: null };
  const middle = Math.floor(count / 2);
  const median = count % 2 === 1 ? gains[middle]! : (gains[middle - 1]! + gains[middle]!) / 2;
  return {
    count,
    mean: gains.reduce((sum, gain) => sum + gain, 0) / count / 10,
    median: median / 10,
    improvedShare: gains.filter((gain) => gain > 0).length / count,
  };
}
