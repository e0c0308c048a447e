import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { numberForTrunk } from './dialer.js';

describe('a trunk\'s number format', () => {
  const shanghai = { profile: 'CN' as const, areaCode: '21' };
  // expected forms: ITU-T E.164 with country code 86 (MIIT numbering plan: trunk prefix 0, mobiles 1[3-9] + 9 digits)
  const cases: [string, 'as-routed' | 'e164' | 'e164-digits' | undefined, string][] = [
    ['02187654321', 'e164', '+862187654321'],
    ['02187654321', 'e164-digits', '862187654321'],
    ['13812345678', 'e164', '+8613812345678'],
    ['87654321', 'e164', '+862187654321'],
    ['+862187654321', 'e164-digits', '862187654321'],
    ['0085221234567', 'e164', '+85221234567'],
    ['02187654321', 'as-routed', '02187654321'],
    // saved before the setting existed
    ['02187654321', undefined, '02187654321'],
    // no E.164 form: sent as routed
    ['110', 'e164', '110'],
    ['95555', 'e164', '95555'],
  ];
  for (const [routed, format, sent] of cases) {
    it(`${routed} as ${format ?? '(unset)'} → ${sent}`, () => {
      assert.equal(numberForTrunk({ format, routed, numbers: shanghai }), sent);
    });
  }
});
