// The softphone's own SIP passwords: HA1 pairs of the password issued (what digest checks against),
// added to the extension's credentials as alternates, gone when they expire, at most four each.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeHa1, FakeClock } from '../sip/index.js';
import { SoftphoneCredentials } from './softphone-credentials.js';

const HOUR = 3_600_000;
const stored = { username: '1002', realm: 'pbx.test', ha1Md5: 'own-md5', ha1Sha256: 'own-sha', alternates: [{ ha1Md5: 'desk-md5', ha1Sha256: 'desk-sha' }] };

describe('SoftphoneCredentials', () => {
  it('issues a random password whose HA1 pairs join the extension’s alternates until it expires', async () => {
    const clock = new FakeClock();
    const creds = new SoftphoneCredentials({ clock, realm: 'pbx.test', ttlMs: 12 * HOUR });
    const a = creds.issue('1002');
    const b = creds.issue('1002');
    assert.notEqual(a.password, b.password);
    assert.ok(a.password.length >= 40);
    assert.equal(a.expiresAt, clock.now() + 12 * HOUR);
    const lookup = creds.wrap({ find: async (u: string) => (u === '1002' ? stored : undefined), findCached: (u: string) => (u === '1002' ? stored : null) });
    const found = await lookup.find('1002');
    assert.deepEqual(found?.alternates, [
      { ha1Md5: 'desk-md5', ha1Sha256: 'desk-sha' },
      { ha1Md5: computeHa1('MD5', '1002', 'pbx.test', a.password), ha1Sha256: computeHa1('SHA-256', '1002', 'pbx.test', a.password) },
      { ha1Md5: computeHa1('MD5', '1002', 'pbx.test', b.password), ha1Sha256: computeHa1('SHA-256', '1002', 'pbx.test', b.password) },
    ]);
    assert.deepEqual(lookup.findCached('1002'), found);
    assert.equal(lookup.findCached('1009'), null);
    assert.equal(await lookup.find('1009'), undefined);
    // another extension's passwords are not this one's
    creds.issue('1003');
    assert.equal(creds.alternatesOf('1002').length, 2);
    clock.advance(12 * HOUR);
    assert.deepEqual((await lookup.find('1002'))?.alternates, stored.alternates);
  });

  it('keeps the newest four per extension', () => {
    const creds = new SoftphoneCredentials({ clock: new FakeClock(), realm: 'pbx.test', ttlMs: HOUR });
    const issued = Array.from({ length: 6 }, () => creds.issue('1002'));
    assert.deepEqual(creds.alternatesOf('1002').map((p) => p.ha1Md5), issued.slice(2).map((i) => computeHa1('MD5', '1002', 'pbx.test', i.password)));
  });
});
