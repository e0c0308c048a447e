// A trunk's codec preference applied to an SDP offer (RFC 3264 §5.1: formats are listed in order
// of preference): the audio formats named by the trunk move to the front, in its order; the rest
// (telephone-event, others) keep theirs. Carriers in mainland China expect PCMA first.

/** static payload types (RFC 3551 §6) */
const STATIC: Record<string, string> = { '0': 'PCMU', '8': 'PCMA', '9': 'G722' };

export function preferCodecs(body: Uint8Array, codecs: readonly string[]): Uint8Array {
  const text = Buffer.from(body).toString('utf8');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  const names = new Map<string, string>();
  for (const line of lines) {
    const m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
    if (m) names.set(m[1]!, m[2]!.toUpperCase());
  }
  const rank = (pt: string): number => {
    const name = names.get(pt) ?? STATIC[pt];
    const i = name === undefined ? -1 : codecs.findIndex((c) => c.toUpperCase() === name);
    return i < 0 ? codecs.length : i;
  };
  const out = lines.map((line) => {
    const m = /^(m=audio \S+ \S+) (.+)$/.exec(line);
    if (!m) return line;
    const formats = m[2]!.trim().split(/\s+/);
    // a stable sort: formats the trunk does not name keep their relative order
    const ordered = formats.map((pt, i) => ({ pt, i, r: rank(pt) })).sort((a, b) => a.r - b.r || a.i - b.i);
    return `${m[1]} ${ordered.map((f) => f.pt).join(' ')}`;
  });
  return Buffer.from(out.join(eol), 'utf8');
}
