const DIGIT = /\d/g;

/**
 * How many ASCII digits `text` holds, counting no further than `cap`. Number
 * detectors need several digits, so one count lets prose skip them all.
 */
export function countDigits(text: string, cap: number): number {
  DIGIT.lastIndex = 0;
  let n = 0;
  while (n < cap && DIGIT.test(text)) n++;
  return n;
}
