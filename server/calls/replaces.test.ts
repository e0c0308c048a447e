// The Replaces header (RFC 3891 §6.1) as a Refer-To URI header (RFC 5589 §7) and as an INVITE
// header: what identifies a dialog, and what is refused as malformed. Expected values are the
// RFCs' own examples.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest } from '../sip/index.js';
import { parseReplaces, referTargetOf, replacesOf } from './replaces.js';
import { userOf } from './invite-auth.js';

describe('Replaces (RFC 3891 §6.1)', () => {
  it('§6.1 example: call-id, to-tag, from-tag and early-only', () => {
    assert.deepEqual(parseReplaces('98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only'), { callId: '98732@sip.example.com', toTag: 'ff87ff', fromTag: 'r33th4x0r', earlyOnly: true });
    assert.deepEqual(parseReplaces('12adf2f34456gs5;to-tag=12345;from-tag=54321'), { callId: '12adf2f34456gs5', toTag: '12345', fromTag: '54321', earlyOnly: false });
  });

  it('§6.1: "MUST contain exactly one <to-tag> and exactly one <from-tag>": missing, empty or repeated tags are malformed', () => {
    for (const bad of ['abc;to-tag=1', 'abc;from-tag=2', 'abc;to-tag=;from-tag=2', 'abc;to-tag=1;to-tag=3;from-tag=2', ';to-tag=1;from-tag=2', 'a b;to-tag=1;from-tag=2']) assert.equal(parseReplaces(bad), undefined, bad);
  });

  it('RFC 5589 §7: the Replaces escaped inside a Refer-To URI is read back with the target user', () => {
    const t = referTargetOf('<sips:carol@chicago.example.com?Replaces=090459243588173445%3Bto-tag%3D7553452%3Bfrom-tag%3D31431>', userOf);
    assert.deepEqual(t, { user: 'carol', replaces: { callId: '090459243588173445', toTag: '7553452', fromTag: '31431', earlyOnly: false } });
    assert.deepEqual(referTargetOf('<sip:1003@pbx.test>', userOf), { user: '1003' });
    assert.equal(referTargetOf('<sip:1003@pbx.test?Replaces=abc%3Bto-tag%3D1>', userOf)?.replaces, 'malformed');
  });

  it('§3: an INVITE carries it as a header of its own', () => {
    const invite = (extra: { name: string; value: string }[]) =>
      createRequest({
        method: 'INVITE',
        uri: 'sip:1001@127.0.0.1',
        headers: [
          { name: 'Via', value: 'SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-r' },
          { name: 'From', value: '<sip:1002@pbx.test>;tag=x' },
          { name: 'To', value: '<sip:1001@pbx.test>' },
          { name: 'Call-ID', value: 'new-call' },
          { name: 'CSeq', value: '1 INVITE' },
          ...extra,
        ],
      });
    assert.equal(replacesOf(invite([])), undefined);
    assert.deepEqual(replacesOf(invite([{ name: 'Replaces', value: 'abc;to-tag=1;from-tag=2' }])), { callId: 'abc', toTag: '1', fromTag: '2', earlyOnly: false });
    assert.equal(replacesOf(invite([{ name: 'Replaces', value: 'abc' }])), 'malformed');
  });
});
