// The four desk-phone families Hailing provisions, what file names their phones ask for, and how
// a value is made safe for each family's file format. File names (vendors' provisioning guides):
// - Yealink asks for its model's common file y0000000000XX.cfg, then <mac>.cfg (key = value text);
// - Poly (UC Software) asks for the master config <mac>.cfg, falling back to 000000000000.cfg; its
//   CONFIG_FILES attribute names the files to load next (here <mac>-hailing.cfg, XML attributes);
// - Grandstream asks for cfg<mac>.xml (<gs_provision> with P-value elements);
// - Fanvil asks for <mac>.cfg (its "<<VOIP CONFIG FILE>>" text with "Key   :value" lines).
import { TEMPLATES } from './templates.js';

export const FAMILIES = ['yealink', 'poly', 'grandstream', 'fanvil'] as const;
export type Family = (typeof FAMILIES)[number];

/** A template of a family: `device` is the per-phone file; the others are optional companions. */
export type TemplateFile = 'device' | 'common' | 'master';

export interface FamilySpec {
  readonly family: Family;
  /** what the file's body is: text or XML */
  readonly contentType: string;
  readonly files: readonly TemplateFile[];
  /** makes a variable's value safe inside this format (no line breaks in text, entities in XML) */
  escape(value: string): string;
}

const oneLine = (value: string): string => value.replace(/[\r\n\0]/g, ' ');
const xml = (value: string): string =>
  oneLine(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

export const FAMILY_SPECS: Readonly<Record<Family, FamilySpec>> = {
  yealink: { family: 'yealink', contentType: 'text/plain; charset=utf-8', files: ['device', 'common'], escape: oneLine },
  poly: { family: 'poly', contentType: 'application/xml; charset=utf-8', files: ['device', 'master'], escape: xml },
  grandstream: { family: 'grandstream', contentType: 'application/xml; charset=utf-8', files: ['device'], escape: xml },
  fanvil: { family: 'fanvil', contentType: 'text/plain; charset=utf-8', files: ['device'], escape: oneLine },
};

export function isFamily(value: string): value is Family {
  return (FAMILIES as readonly string[]).includes(value);
}

export function builtInTemplate(family: Family, file: TemplateFile): string | undefined {
  return TEMPLATES[family][file];
}

/**
 * Which template of which MAC a requested file name is, for a device of `family`. The MAC in the
 * name is returned so the caller can check it names the authenticated device. undefined: not a file
 * this family asks for.
 */
export function fileFor(family: Family, name: string): { file: TemplateFile; mac?: string } | undefined {
  const n = name.toLowerCase();
  let m: RegExpExecArray | null;
  switch (family) {
    case 'yealink':
      if (/^y0000000000\d\d\.cfg$/.test(n)) return { file: 'common' };
      if ((m = /^([0-9a-f]{12})\.cfg$/.exec(n))) return { file: 'device', mac: m[1] as string };
      return undefined;
    case 'poly':
      if (n === '000000000000.cfg') return { file: 'master' };
      if ((m = /^([0-9a-f]{12})-hailing\.cfg$/.exec(n))) return { file: 'device', mac: m[1] as string };
      if ((m = /^([0-9a-f]{12})\.cfg$/.exec(n))) return { file: 'master', mac: m[1] as string };
      return undefined;
    case 'grandstream':
      if ((m = /^cfg([0-9a-f]{12})\.xml$/.exec(n))) return { file: 'device', mac: m[1] as string };
      return undefined;
    case 'fanvil':
      if ((m = /^([0-9a-f]{12})\.cfg$/.exec(n))) return { file: 'device', mac: m[1] as string };
      return undefined;
  }
}

/** The MAC a requested file name carries, whatever the family (for the pending list), and a family guess. */
export function macInFileName(name: string): { mac: string; family: Family | null } | undefined {
  const n = name.toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^cfg([0-9a-f]{12})(?:\.xml)?$/.exec(n))) return { mac: m[1] as string, family: 'grandstream' };
  if ((m = /^([0-9a-f]{12})-hailing\.cfg$/.exec(n))) return { mac: m[1] as string, family: 'poly' };
  if ((m = /^([0-9a-f]{12})\.(?:cfg|boot)$/.exec(n)) && m[1] !== '000000000000') return { mac: m[1] as string, family: null };
  return undefined;
}

/** A family guessed from a User-Agent (Yealink, Poly/Polycom, Grandstream, Fanvil). */
export function familyFromUserAgent(userAgent: string | undefined): Family | null {
  const ua = (userAgent ?? '').toLowerCase();
  if (ua.includes('yealink')) return 'yealink';
  if (ua.includes('polycom') || ua.includes('poly')) return 'poly';
  if (ua.includes('grandstream')) return 'grandstream';
  if (ua.includes('fanvil')) return 'fanvil';
  return null;
}

/** 12 lower-case hex digits from any of the usual spellings (00:15:65:AA:BB:CC, 0015-65aa-bbcc ...), else undefined. */
export function normalizeMac(value: string): string | undefined {
  const hex = value.toLowerCase().replace(/[:\-.\s]/g, '');
  return /^[0-9a-f]{12}$/.test(hex) && hex !== '000000000000' && hex !== 'ffffffffffff' ? hex : undefined;
}
