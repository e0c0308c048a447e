// Digit error for recogniser tests: the edit distance (substitutions, deletions, insertions) between
// the digits spoken and the digits recognised, as in the digit error rate of TIDIGITS-style tests.

/** Levenshtein distance between the digit strings (non-digits in `heard` are ignored) */
export function digitErrors(spoken: string, heard: string): number {
  const a = [...spoken.replace(/[^0-9]/g, '')];
  const b = [...heard.replace(/[^0-9]/g, '')];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

// digit strings and espeak-ng voices that training never used (the offline recognisers' tests),
// fixed so that a failure can be reproduced
export const HELDOUT_CASES: readonly { voice: string; digits: string }[] = [
  { voice: 'en-gb-scotland+f4', digits: '4 8 2 1' },
  { voice: 'en-gb-scotland+m3', digits: '9 0 3 7 5' },
  { voice: 'en-us+f4', digits: '6 1 8' },
  { voice: 'en-us+m3', digits: '2 7 7 4 0 9' },
  { voice: 'en-us+klatt4', digits: '5 3 1 6' },
  { voice: 'cmn+m3', digits: '1 3 5 8' },
  { voice: 'cmn+f4', digits: '0 6 2 9 4' },
  { voice: 'cmn+klatt4', digits: '7 2 8' },
];

