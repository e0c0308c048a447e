// A dialled number, read under a country profile: its E.164 form (ITU-T E.164: '+', country code,
// national significant number, at most 15 digits) and the permission class an extension needs to
// call it (internal, local, national, mobile, international, emergency). Pure functions: the dial
// plan checks the class, outbound routes (server/trunks) send the E.164 form or rewrite it.
import { PROFILES, type NationalNumber, type NumberKind, type ProfileName } from './profiles.js';

export const NUMBER_CLASSES = ['internal', 'local', 'national', 'mobile', 'international', 'emergency'] as const;
export type NumberClass = (typeof NUMBER_CLASSES)[number];

export interface NumberContext {
  readonly profile: ProfileName;
  /** the site's own area code without the trunk prefix ('21' for Shanghai, '2' for Taipei): completes numbers dialled within the area, and makes calls to it local */
  readonly areaCode?: string;
}

export interface Classified {
  readonly ok: true;
  readonly class: NumberClass;
  readonly kind: NumberKind | 'emergency' | 'short-code' | 'international' | 'internal';
  /** '+8613812345678'; null for internal numbers and short codes, which have none */
  readonly e164: string | null;
  readonly reason: string;
}
export type Classification = Classified | { readonly ok: false; readonly reason: string };

/** what people write around digits: spaces, dashes, dots, brackets */
const SEPARATORS = /[\s\-.()]/g;

function international(cc: string, nsn: string, via: string): Classification {
  const digits = cc + nsn;
  // ITU-T E.164 §6: at most 15 digits; fewer than 7 is no subscriber anywhere
  if (!/^[1-9]\d{6,14}$/.test(digits)) return { ok: false, reason: `${via}${digits} is not an international number (7 to 15 digits after the prefix)` };
  return { ok: true, class: 'international', kind: 'international', e164: `+${digits}`, reason: `international via ${via}` };
}

function domestic(o: NumberContext, nsn: string, n: NationalNumber, how: string): Classification {
  const p = PROFILES[o.profile];
  const e164 = `+${p.countryCode}${nsn}`;
  if (n.kind === 'mobile') return { ok: true, class: 'mobile', kind: 'mobile', e164, reason: `${p.name} mobile (${how})` };
  if (n.kind !== 'fixed') return { ok: true, class: 'local', kind: n.kind, e164, reason: `${p.name} ${n.kind} number, charged no more than a local call (${how})` };
  // no areas (HK), or the site's own area: a local call
  if (n.area === undefined || n.area === o.areaCode) return { ok: true, class: 'local', kind: 'fixed', e164, reason: `${p.name} fixed line in the local area (${how})` };
  return { ok: true, class: 'national', kind: 'fixed', e164, reason: `${p.name} fixed line in area ${n.area} (${how})` };
}

/**
 * The class and E.164 form of `number` dialled under `profile`. `isInternal` says which numbers are
 * the PBX's own (extensions, rooms), tried before anything else.
 */
export function classify(o: NumberContext & { readonly number: string; readonly isInternal?: (n: string) => boolean }): Classification {
  const p = PROFILES[o.profile];
  const cleaned = o.number.replace(SEPARATORS, '');
  if (!/^\+?\d{1,20}$/.test(cleaned)) return { ok: false, reason: `'${o.number}' is not a telephone number (digits, an optional leading '+')` };
  if (o.isInternal?.(cleaned)) return { ok: true, class: 'internal', kind: 'internal', e164: null, reason: 'an internal number' };
  if (p.emergency.includes(cleaned)) return { ok: true, class: 'emergency', kind: 'emergency', e164: null, reason: `${p.name} emergency number` };

  // '+' and the international prefix: a country code follows (our own one: a national number written in international form)
  let after: string | null = null;
  let via = '';
  if (cleaned.startsWith('+')) [after, via] = [cleaned.slice(1), '+'];
  else {
    const prefix = p.internationalPrefixes.find((x) => cleaned.startsWith(x));
    if (prefix !== undefined) [after, via] = [cleaned.slice(prefix.length), prefix];
  }
  if (after !== null) {
    if (!after.startsWith(p.countryCode)) return international('', after, via);
    const nsn = after.slice(p.countryCode.length);
    const n = p.national(nsn);
    return n === null ? { ok: false, reason: `+${p.countryCode} ${nsn} is not a valid ${p.name} number` } : domestic(o, nsn, n, `written as +${p.countryCode}`);
  }

  if (p.trunkPrefix !== null && cleaned.startsWith(p.trunkPrefix)) {
    const nsn = cleaned.slice(p.trunkPrefix.length);
    const n = p.national(nsn);
    return n === null ? { ok: false, reason: `${cleaned} is not a valid ${p.name} number after the trunk prefix ${p.trunkPrefix}` } : domestic(o, nsn, n, `trunk prefix ${p.trunkPrefix}`);
  }
  if (p.bareNational.test(cleaned)) {
    const n = p.national(cleaned);
    if (n !== null) return domestic(o, cleaned, n, 'dialled as it is');
  }
  if (p.shortCode.test(cleaned)) return { ok: true, class: 'local', kind: 'short-code', e164: null, reason: `${p.name} short code (carrier or public service)` };
  if (p.subscriber?.test(cleaned)) {
    if (o.areaCode === undefined) return { ok: true, class: 'local', kind: 'fixed', e164: null, reason: `${p.name} subscriber number in the local area; no area code is configured to complete it` };
    const nsn = `${o.areaCode}${cleaned}`;
    const n = p.national(nsn);
    if (n !== null) return domestic(o, nsn, n, `local, area ${o.areaCode}`);
  }
  return { ok: false, reason: `${cleaned} is no ${p.name} number` };
}

/** The E.164 form, or why there is none (not a number; an internal number or short code, which have none). */
export function normalise(o: NumberContext & { readonly number: string }): { readonly ok: true; readonly e164: string } | { readonly ok: false; readonly reason: string } {
  const c = classify(o);
  if (!c.ok) return c;
  return c.e164 === null ? { ok: false, reason: `${c.reason}: no E.164 form` } : { ok: true, e164: c.e164 };
}
