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
