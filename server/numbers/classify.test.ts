// Number classification and E.164 normalisation, as tables. Expected values come from the
// numbering plans cited in profiles.ts (MIIT for CN, NCC for TW, OFCA for HK) and ITU-T E.164
// (country codes 86, 886, 852; at most 15 digits), not from our own output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify, normalise, type NumberClass } from './classify.js';
import type { ProfileName } from './profiles.js';

type Row = [profile: ProfileName, areaCode: string | undefined, dialled: string, cls: NumberClass, e164: string | null, why: string];

const TABLE: Row[] = [
  // mainland China, a desk in Shanghai (area code 21)
  ['CN', '21', '110', 'emergency', null, 'police'],
  ['CN', '21', '119', 'emergency', null, 'fire'],
  ['CN', '21', '120', 'emergency', null, 'ambulance'],
  ['CN', '21', '122', 'emergency', null, 'traffic accidents'],
  ['CN', '21', '13812345678', 'mobile', '+8613812345678', '1[3-9] + 9 digits, no trunk prefix'],
  ['CN', '21', '19912345678', 'mobile', '+8619912345678', '199 is a mobile block'],
  ['CN', '21', '+86 138 1234 5678', 'mobile', '+8613812345678', "'+' with our own country code"],
  ['CN', '21', '008613812345678', 'mobile', '+8613812345678', 'international prefix 00 with our own country code'],
  ['CN', '21', '02162345678', 'local', '+862162345678', 'own area code with the trunk prefix'],
  ['CN', '21', '62345678', 'local', '+862162345678', '8-digit subscriber in the local area'],
  ['CN', '21', '01088886666', 'national', '+861088886666', 'Beijing: area code 10, 8-digit subscriber'],
  ['CN', '21', '075588886666', 'national', '+8675588886666', 'Shenzhen: 3-digit area code 755, 8 digits'],
  ['CN', '21', '05718888666', 'national', '+865718888666', 'Hangzhou 571 with a 7-digit subscriber'],
  ['CN', '21', '4008123123', 'local', '+864008123123', '400 service number: the caller pays a local call'],
  ['CN', '21', '8008201234', 'local', '+868008201234', '800 toll-free'],
  ['CN', '21', '10086', 'local', null, 'carrier short code'],
  ['CN', '21', '95588', 'local', null, '95xxx national service short code'],
  ['CN', '21', '0085221234567', 'international', '+85221234567', 'Hong Kong from the mainland is international'],
  ['CN', '21', '+1 212 555 0100', 'international', '+12125550100', "'+' with another country code"],
  // Taiwan, a desk in Taipei (area code 2)
  ['TW', '2', '110', 'emergency', null, 'police'],
  ['TW', '2', '119', 'emergency', null, 'fire and ambulance'],
  ['TW', '2', '112', 'emergency', null, 'mobile emergency'],
  ['TW', '2', '0912345678', 'mobile', '+886912345678', '09 + 8 digits'],
  ['TW', '2', '0223456789', 'local', '+886223456789', 'Taipei 02 + 8 digits'],
  ['TW', '2', '23456789', 'local', '+886223456789', 'dialled within Taipei'],
  ['TW', '2', '0721234567', 'national', '+886721234567', 'Kaohsiung 07 + 7 digits'],
  ['TW', '2', '037351234', 'national', '+88637351234', 'Miaoli 037 + 6 digits'],
  ['TW', '2', '0826 31234', 'national', '+88682631234', 'Kinmen-Wuqiu 0826 + 5 digits'],
  ['TW', '2', '0800123456', 'local', '+886800123456', 'toll-free 0800'],
  ['TW', '2', '00281012345678', 'international', '+81012345678', 'carrier prefix 002 to Japan (+81)'],
  ['TW', '2', '00686 13812345678', 'international', '+8613812345678', 'the mainland from Taiwan is international'],
  // Hong Kong: closed 8-digit numbering, no areas
  ['HK', undefined, '999', 'emergency', null, 'police, fire and ambulance'],
  ['HK', undefined, '112', 'emergency', null, 'from mobiles'],
  ['HK', undefined, '2123 4567', 'local', '+85221234567', 'fixed 2x'],
  ['HK', undefined, '31234567', 'local', '+85231234567', 'fixed 3x'],
  ['HK', undefined, '91234567', 'mobile', '+85291234567', 'mobile 9x'],
  ['HK', undefined, '51234567', 'mobile', '+85251234567', 'mobile 5x'],
  ['HK', undefined, '46123456', 'mobile', '+85246123456', 'mobile 4x (released 2018)'],
  ['HK', undefined, '800123456', 'local', '+852800123456', 'toll-free 800 + 6 digits'],
  ['HK', undefined, '+852 6123 4567', 'mobile', '+85261234567', "'+' with our own country code"],
  ['HK', undefined, '00186 13812345678', 'international', '+8613812345678', 'IDD 001 to the mainland'],
];

describe('numbers: classification into permission classes and E.164', () => {
  for (const [profile, areaCode, dialled, cls, e164, why] of TABLE) {
    it(`${profile}: ${dialled} → ${cls}${e164 ? ` ${e164}` : ''} (${why})`, () => {
      const c = classify({ profile, number: dialled, ...(areaCode !== undefined ? { areaCode } : {}) });
      assert.ok(c.ok, c.ok ? '' : c.reason);
      assert.equal(c.class, cls, c.reason);
      assert.equal(c.e164, e164);
      const n = normalise({ profile, number: dialled, ...(areaCode !== undefined ? { areaCode } : {}) });
      assert.equal(n.ok, e164 !== null);
      if (n.ok) assert.equal(n.e164, e164);
    });
  }

  it('internal numbers come first: an extension that looks like a short code is internal', () => {
    const c = classify({ profile: 'CN', number: '1001', isInternal: (n) => n === '1001' });
    assert.deepEqual(c.ok && [c.class, c.e164], ['internal', null]);
  });

  it('without the site’s area code a local subscriber number is local but has no E.164 form', () => {
    const c = classify({ profile: 'CN', number: '62345678' });
    assert.deepEqual(c.ok && [c.class, c.e164], ['local', null]);
    assert.equal(normalise({ profile: 'CN', number: '62345678' }).ok, false);
  });

  it('refuses what is no number, with a reason', () => {
    for (const [profile, bad] of [['CN', '138-1234-567a'], ['CN', '0138123'], ['CN', '+8613'], ['CN', '00123'], ['CN', '+1234567890123456'], ['TW', '0123'], ['HK', '1234567'], ['CN', '']] as const) {
      const c = classify({ profile, number: bad });
      assert.equal(c.ok, false, `${profile} ${bad}`);
      assert.ok(!c.ok && c.reason.length > 0);
    }
  });
});
