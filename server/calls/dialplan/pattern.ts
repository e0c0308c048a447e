// Dial plan patterns, in Asterisk's extension-pattern notation (a name a telephony admin already
// knows): a pattern starts with '_' and then X is any digit, Z 1-9, N 2-9, [1-5#] a set, '.' one
// or more of anything and '!' zero or more; without '_' the text is the number itself. The part a
// pattern leaves to the wildcards after its literal prefix is the destination's argument (*222 1001
// monitors 1001).

type Token = { readonly kind: 'set'; readonly chars: string } | { readonly kind: 'rest'; readonly min: 0 | 1 };

export interface DialPattern {
  readonly text: string;
  /** characters the pattern begins with literally (what is stripped to give the argument) */
  readonly prefix: string;
  match(dialled: string): { readonly argument: string } | null;
}

const DIALLABLE = /^[0-9*#+]+$/;
const CLASSES: Record<string, string> = { X: '0123456789', Z: '123456789', N: '23456789' };

function expand(body: string): string | null {
  let chars = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const end = body[i + 2]!;
      if (!/[0-9]/.test(c) || !/[0-9]/.test(end) || end < c) return null;
      for (let d = Number(c); d <= Number(end); d++) chars += String(d);
      i += 2;
      continue;
    }
    if (!/[0-9*#+]/.test(c)) return null;
    chars += c;
  }
  return chars.length > 0 ? chars : null;
}

/** The pattern, or why it is malformed (the API answers 400 with the reason). */
export function compilePattern(text: string): { ok: true; pattern: DialPattern } | { ok: false; reason: string } {
  if (text.length === 0 || text.length > 64) return { ok: false, reason: 'a pattern is 1 to 64 characters' };
  if (!text.startsWith('_')) {
    if (!DIALLABLE.test(text)) return { ok: false, reason: `'${text}' is neither a number (0-9 * # +) nor a pattern starting with '_'` };
    return { ok: true, pattern: { text, prefix: text, match: (d) => (d === text ? { argument: '' } : null) } };
  }
  const tokens: Token[] = [];
  let prefix = '';
  let literal = true;
  const body = text.slice(1);
  if (body.length === 0) return { ok: false, reason: "'_' alone matches nothing" };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '.' || c === '!') {
      if (i !== body.length - 1) return { ok: false, reason: `'${c}' may only end a pattern` };
      tokens.push({ kind: 'rest', min: c === '.' ? 1 : 0 });
      literal = false;
    } else if (c === '[') {
      const close = body.indexOf(']', i);
      const chars = close < 0 ? null : expand(body.slice(i + 1, close));
      if (chars === null) return { ok: false, reason: `malformed set at '${body.slice(i)}'` };
      tokens.push({ kind: 'set', chars });
      literal = false;
      i = close;
    } else if (CLASSES[c.toUpperCase()] !== undefined) {
      tokens.push({ kind: 'set', chars: CLASSES[c.toUpperCase()]! });
      literal = false;
    } else if (/[0-9*#+]/.test(c)) {
      tokens.push({ kind: 'set', chars: c });
      if (literal) prefix += c;
    } else {
      return { ok: false, reason: `'${c}' is not allowed in a pattern` };
    }
  }
  const match = (dialled: string): { argument: string } | null => {
    if (!DIALLABLE.test(dialled)) return null;
    let i = 0;
    for (const t of tokens) {
      if (t.kind === 'rest') {
        if (dialled.length - i < t.min) return null;
        i = dialled.length;
        break;
      }
      if (i >= dialled.length || !t.chars.includes(dialled[i]!)) return null;
      i++;
    }
    return i === dialled.length ? { argument: dialled.slice(prefix.length) } : null;
  };
  return { ok: true, pattern: { text, prefix, match } };
}
