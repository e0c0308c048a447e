// DTMF carried in SIP INFO (RFC 6086 with the de facto bodies phones use): application/dtmf-relay
// ("Signal=5\r\nDuration=160", Cisco/Polycom/Asterisk) and application/dtmf ("5"). Events 10-15
// as digits follow RFC 4733 §3.2's table (* # A-D), written out or numbered.
const DIGITS = '0123456789*#ABCD';

export function parseDtmfInfo(contentType: string | undefined, body: Uint8Array): { digit: string; durationMs: number } | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = Buffer.from(body).toString('utf8').trim();
  if (type === 'application/dtmf') return digitOf(text, 250);
  if (type !== 'application/dtmf-relay') return null;
  const signal = /^\s*signal\s*=\s*(\S+)\s*$/im.exec(text)?.[1];
  const duration = Number(/^\s*duration\s*=\s*([0-9]+)\s*$/im.exec(text)?.[1] ?? 250);
  return signal === undefined ? null : digitOf(signal, duration);
}

function digitOf(signal: string, durationMs: number): { digit: string; durationMs: number } | null {
  const s = signal.toUpperCase();
  const digit = /^[0-9]+$/.test(s) && Number(s) < 16 ? DIGITS[Number(s)]! : s.length === 1 && DIGITS.includes(s) ? s : null;
  return digit === null || !Number.isFinite(durationMs) ? null : { digit, durationMs };
}
