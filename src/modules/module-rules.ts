// What a module asks of its participants: the tests they sit and the marks they need. Modules
// saved before the tests were recorded (hasPreTest, hasPostTest absent) read as they meant
// then: a pass mark was the mark of the one assessment, at the end, so a post-test exactly
// when there is a pass mark, and no pre-test. Module versions' snapshots read the same way.

export type AssessmentTests = { hasPreTest: boolean; hasPostTest: boolean };
export type ModuleRules = AssessmentTests & {
  /** percent needed in the post-test; null when passing does not depend on a score */
  passMark: number | null;
  /** percent of the session to attend */
  attendanceThreshold: number;
};

type Stored = {
  hasPreTest?: unknown;
  hasPostTest?: unknown;
  passMark?: unknown;
  attendanceThreshold?: unknown;
};

const numberOr = <T>(value: unknown, otherwise: T) => (typeof value === 'number' ? value : otherwise);

/** The tests of a module or of one of its versions, absent flags read as above. */
export function testsOf(stored: Stored): AssessmentTests {
  const passMark = numberOr(stored.passMark, null);
  return {
    hasPreTest: typeof stored.hasPreTest === 'boolean' ? stored.hasPreTest : false,
    hasPostTest: typeof stored.hasPostTest === 'boolean' ? stored.hasPostTest : passMark !== null,
  };
}

/** The rules of a module or of one of its versions. */
export function rulesOf(stored: Stored): ModuleRules {
  return {
    ...testsOf(stored),
    passMark: numberOr(stored.passMark, null),
    attendanceThreshold: numberOr(stored.attendanceThreshold, 80),
  };
}
