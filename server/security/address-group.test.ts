import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loginSourceGroup } from './address-group.js';

describe('login source groups', () => {
  it('an IPv4 address is its own group, also written IPv4-mapped (RFC 4291 §2.5.5.2)', () => {
    assert.equal(loginSourceGroup('192.0.2.7'), '192.0.2.7');
    assert.equal(loginSourceGroup('::ffff:192.0.2.7'), '192.0.2.7');
    assert.notEqual(loginSourceGroup('192.0.2.7'), loginSourceGroup('192.0.2.8'));
  });

  it('IPv6 addresses group by /64 whatever their spelling (RFC 5952), zone ids ignored', () => {
    assert.equal(loginSourceGroup('2001:db8:0:1::5'), loginSourceGroup('2001:DB8:0:1:ffff::9'));
    assert.equal(loginSourceGroup('2001:db8::1'), loginSourceGroup('2001:0db8:0000:0000:0:0:0:2'));
    assert.notEqual(loginSourceGroup('2001:db8:0:1::5'), loginSourceGroup('2001:db8:0:2::5'));
    assert.equal(loginSourceGroup('fe80::1%eth0'), loginSourceGroup('fe80::2'));
    assert.equal(loginSourceGroup('1:2:3:4:5:6:7:8'), loginSourceGroup('1:2:3:4::'));
  });
});
