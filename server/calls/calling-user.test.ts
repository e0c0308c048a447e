// RFC 3325 §9.1: a trunk's (trusted peer's) P-Asserted-Identity names the caller, even behind an
// anonymous From (Privacy: id); without one, the From user does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callingUser } from './call-control.js';
import { callerInvite } from './test-support.js';

describe("a carrier's calling number", () => {
  it('RFC 3325 §9.1: the P-Asserted-Identity user, not the anonymous From', () => {
    const invite = callerInvite(undefined, undefined, [{ name: 'P-Asserted-Identity', value: '"Bank" <sip:+8613800000000@carrier.example>' }, { name: 'Privacy', value: 'id' }]);
    const anonymous = { ...invite.message, headers: invite.message.headers.map((h) => (h.name === 'From' ? { name: 'From', value: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=x' } : h)) };
    assert.equal(callingUser({ message: anonymous }), '+8613800000000');
  });

  it('without P-Asserted-Identity: the From user', () => {
    assert.equal(callingUser(callerInvite()), '1001');
  });
});
