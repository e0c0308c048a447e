// PII masking (PIPL; PCI DSS 3.4): mainland China phone numbers, resident ID-card numbers (GB 11643
// with its ISO 7064 MOD 11-2 check character), bank-card numbers (Luhn, ISO/IEC 7812-1 Annex B)
// and e-mail addresses. Look-alikes whose check digit fails are left alone: a reference number
// that happens to be 18 digits is not an ID card. Pure functions, no state.

/** GB 11643-1999 §8: weights 2^(17-i) mod 11 for i = 0..16, and the check character for sum mod 11 */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';

/** An 18-character resident ID number whose check character (the last) is right. */
export function isChineseIdNumber(text: string): boolean {
  if (!/^[1-9][0-9]{16}[0-9Xx]$/.test(text)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(text[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === text[17]!.toUpperCase();
}

/** Luhn (ISO/IEC 7812-1 Annex B) over digits only; bank cards are 13 to 19 digits. */
export function isLuhnCardNumber(digits: string): boolean {
  if (!/^[0-9]{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Keeps `head` and `tail` characters that are digits (or X), masks the other digits, keeps separators. */
function maskDigits(text: string, head: number, tail: number): string {
  const total = text.replace(/[^0-9Xx]/g, '').length;
  let seen = 0;
  return text.replace(/[0-9Xx]/g, (ch) => {
    const i = seen++;
    return i < head || i >= total - tail ? ch : '*';
  });
}

// Digit runs are matched whole (no digit, letter or '*' on either side), so a number inside a
// longer one is never half-masked.
const ID_RE = /(?<![0-9A-Za-z*])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z*])/g;
const CARD_RE = /(?<![0-9A-Za-z*])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z*])/g;
// mobile (1[3-9]x, 11 digits, with +86 / 0086 / 86 optional) and fixed lines (0 + 2-3 digit area code, 7-8 digits)
const MOBILE_RE = /(?<![0-9A-Za-z*+])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9A-Za-z*])/g;
const LANDLINE_RE = /(?<![0-9A-Za-z*])(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[ -]?[2-9][0-9]{6,7}(?![0-9A-Za-z*])/g;
const EMAIL_RE = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;

/** 110101********1234: the region (6) and the last 4 stay, birth date and sequence go */
export const maskIdNumber = (id: string): string => maskDigits(id, 6, 4);
/** 622202******1234: PCI DSS 3.4 allows at most the first six and last four */
export const maskCardNumber = (card: string): string => maskDigits(card, 6, 4);
/** 138****5678 (a country code is kept) */
export function maskPhoneNumber(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  const national = digits.replace(/^(?:00)?86(?=1[3-9][0-9]{9}$)/, '');
  const prefix = digits.length - national.length;
  if (/^1[3-9][0-9]{9}$/.test(national)) return maskDigits(phone, prefix + 3, 4);
  // fixed lines keep the area code: 010 and 02x are three digits, the others four
  return maskDigits(phone, /^0(?:10|2[0-9])/.test(digits) ? 3 : 4, 4);
}
/** a***@example.com */
export const maskEmail = (email: string): string => email.replace(EMAIL_RE, (_m, first: string, domain: string) => `${first}***@${domain}`);

/** Masks every ID-card, bank-card and phone number and e-mail address in free text. */
export function maskPii(text: string): string {
  return text
    .replace(EMAIL_RE, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(ID_RE, (m) => (isChineseIdNumber(m) ? maskIdNumber(m) : m))
    // phones before cards: "+86 138 1234 5678" is 13 digits, and one in ten such runs passes Luhn
    .replace(MOBILE_RE, (m) => maskPhoneNumber(m))
    .replace(LANDLINE_RE, (m) => maskPhoneNumber(m))
    .replace(CARD_RE, (m) => (isLuhnCardNumber(m.replace(/[ -]/g, '')) ? maskCardNumber(m) : m));
}
