// Country numbering profiles: how a number dialled from a desk in that country is read. Each
// profile knows its country code (ITU-T E.164 assignments), its international and trunk prefixes,
// its emergency short codes, and how a national significant number (NSN: the number after the
// country code) splits into mobile, fixed (area code + subscriber) and service numbers.
//
// Sources, per profile:
// - CN: MIIT 电信网编号计划 (2017): trunk prefix 0, international prefix 00; 2-digit area codes 10 and
//   20-29 with 8-digit subscribers, 3-digit area codes (3xx-9xx) with 7- or 8-digit subscribers;
//   mobile 1[3-9] + 9 digits (11 digits, no trunk prefix); 400 and 800 + 7 digits (service, dialled
//   as they are); emergency 110 police, 119 fire, 120 ambulance, 122 traffic accidents.
// - TW: NCC 電信編碼 plan (as summarised in "Telephone numbers in Taiwan", Wikipedia): trunk prefix 0,
//   international prefixes 002/005/006/007/009/019 (carrier selection); area codes 2 (8-digit
//   subscribers), 3, 4, 5, 6, 7, 8 (7, and 8 for 4 and 7), 37, 82, 89 (6), 49 (7), 826, 836 (5);
//   mobile 09 + 8 digits; toll-free 0800/0809 + 6 digits; emergency 110, 119, 112.
// - HK: OFCA numbering plan: closed 8-digit numbering, no trunk prefix, no area codes; fixed 2x/3x;
//   mobile 5x, 6x, 9x and, since 2018, blocks of 4x, 7x and 8x (OFCA press release 2018-02-05);
//   toll-free 800 + 6 digits; international prefix 001 (works on every line); emergency 999 (112
//   from mobiles).

export type ProfileName = 'CN' | 'TW' | 'HK';
export const PROFILE_NAMES: readonly ProfileName[] = ['CN', 'TW', 'HK'];

export type NumberKind = 'mobile' | 'fixed' | 'toll-free' | 'service';

export interface NationalNumber {
  readonly kind: NumberKind;
  /** a fixed number's area code (no trunk prefix); absent for mobile and service numbers and where there are none (HK) */
  readonly area?: string;
}

export interface CountryProfile {
  readonly name: ProfileName;
  readonly countryCode: string;
  /** longest first: the first that matches is taken */
  readonly internationalPrefixes: readonly string[];
  /** null: none (closed numbering) */
  readonly trunkPrefix: string | null;
  readonly emergency: readonly string[];
  /** short codes dialled as they are (carrier and public services): local calls with no E.164 form */
  readonly shortCode: RegExp;
  /** a national significant number's kind, or null when it is not a valid one */
  national(nsn: string): NationalNumber | null;
  /** dialled with neither trunk nor international prefix, yet a whole NSN (CN mobiles, 400/800; every HK number) */
  readonly bareNational: RegExp;
  /** a subscriber number dialled within its own area (the site's area code completes it); null: no areas */
  readonly subscriber: RegExp | null;
}

/** area codes with the subscriber lengths they take: the longest code that matches wins */
function fixedIn(areas: readonly (readonly [code: string, min: number, max: number])[], nsn: string): NationalNumber | null {
  for (const [code, min, max] of areas) {
    if (!nsn.startsWith(code)) continue;
    const rest = nsn.length - code.length;
    // a subscriber number never starts with 0 or 1 (those lead to prefixes and short codes)
    return rest >= min && rest <= max && /^[2-9]/.test(nsn.slice(code.length)) ? { kind: 'fixed', area: code } : null;
  }
  return null;
}

const CN_AREAS = [['10', 8, 8], ...Array.from({ length: 10 }, (_, i) => [`2${i}`, 8, 8] as const)] as const;

const CN: CountryProfile = {
  name: 'CN',
  countryCode: '86',
  internationalPrefixes: ['00'],
  trunkPrefix: '0',
  emergency: ['110', '119', '120', '122'],
  shortCode: /^(?:1\d{2,5}|9\d{4})$/,
  national(nsn) {
    if (/^1[3-9]\d{9}$/.test(nsn)) return { kind: 'mobile' };
    if (/^(?:400|800)\d{7}$/.test(nsn)) return { kind: nsn.startsWith('8') ? 'toll-free' : 'service' };
    const two = fixedIn(CN_AREAS, nsn);
    if (two !== null || /^(?:10|2\d)/.test(nsn)) return two;
    // 3-digit area codes 3xx-9xx, 7- or 8-digit subscribers
    return /^[3-9]\d{2}[2-9]\d{6,7}$/.test(nsn) ? { kind: 'fixed', area: nsn.slice(0, 3) } : null;
  },
  // mobile and 400/800 numbers are dialled without the trunk prefix anywhere in the country
  bareNational: /^(?:1[3-9]\d{9}|(?:400|800)\d{7})$/,
  subscriber: /^[2-9]\d{6,7}$/,
};

const TW_AREAS = [
  ['826', 5, 5], ['836', 5, 5],
  ['37', 6, 6], ['49', 7, 7], ['82', 6, 6], ['89', 6, 6],
  ['2', 8, 8], ['3', 7, 7], ['4', 7, 8], ['5', 7, 7], ['6', 7, 7], ['7', 7, 8], ['8', 7, 7],
] as const;

const TW: CountryProfile = {
  name: 'TW',
  countryCode: '886',
  internationalPrefixes: ['002', '005', '006', '007', '009', '019'],
  trunkPrefix: '0',
  emergency: ['110', '119', '112'],
  shortCode: /^1\d{2,4}$/,
  national(nsn) {
    if (/^9\d{8}$/.test(nsn)) return { kind: 'mobile' };
    if (/^80[09]\d{6}$/.test(nsn)) return { kind: 'toll-free' };
    return fixedIn(TW_AREAS, nsn);
  },
  bareNational: /^$/,
  subscriber: /^[2-9]\d{4,7}$/,
};

const HK: CountryProfile = {
  name: 'HK',
  countryCode: '852',
  internationalPrefixes: ['001'],
  trunkPrefix: null,
  emergency: ['999', '112'],
  shortCode: /^1\d{2,4}$/,
  national(nsn) {
    if (/^[23]\d{7}$/.test(nsn)) return { kind: 'fixed' };
    if (/^800\d{6}$/.test(nsn)) return { kind: 'toll-free' };
    if (/^[4-9]\d{7}$/.test(nsn)) return { kind: 'mobile' };
    return null;
  },
  bareNational: /^\d{8,9}$/,
  subscriber: null,
};

export const PROFILES: Readonly<Record<ProfileName, CountryProfile>> = { CN, TW, HK };
