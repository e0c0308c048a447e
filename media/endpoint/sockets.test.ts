import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { socketAddress } from './sockets.js';

describe('socketAddress', () => {
  it('RFC 5952 §4: an IPv6 address from SDP or SIP is written as the kernel reports senders (lower case, zeros compressed), so strict-source matching sees one address', () => {
    assert.equal(socketAddress('2001:DB8:0:0:0:0:0:1', true), '2001:db8::1');
    assert.equal(socketAddress('2001:db8:0::1', true), '2001:db8::1');
    assert.equal(socketAddress('2001:0db8:0000:0000:0001:0000:0000:0001', true), '2001:db8::1:0:0:1');
  });
  it('IPv4 on a dual-stack socket is v4-mapped; on an IPv4 socket IPv6 is unusable; a name is refused', () => {
    assert.equal(socketAddress('192.0.2.1', true), '::ffff:192.0.2.1');
    assert.equal(socketAddress('192.0.2.1', false), '192.0.2.1');
    assert.equal(socketAddress('2001:db8::1', false), null);
    assert.equal(socketAddress('phone.example.com', true), null);
  });
});
