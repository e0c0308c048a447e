// tapRefusals reports a source when credentials it presented are answered 401/407 (RFC 3261 §22),
// and nothing for a first, credential-less request or an accepted one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingRequest, ReplyOptions } from '../sip/stack/types.js';
import { tapRefusals } from './refusal-tap.js';

function request(headers: { name: string; value: string }[], replies: ReplyOptions[]): IncomingRequest {
  const flow = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '192.0.2.5', port: 5062 } };
  return {
    message: { kind: 'request', method: 'REGISTER', uri: 'sip:pbx.test', version: 'SIP/2.0', headers, body: new Uint8Array(0) },
    flow,
    source: flow.remote,
    reply: (r) => void replies.push(r),
  };
}

describe('tapRefusals', () => {
  const auth = { name: 'Authorization', value: 'Digest username="1001", realm="pbx.test", nonce="x", uri="sip:pbx.test", response="0"' };

  it('reports the source of refused credentials, and still sends the reply', () => {
    const refused: string[] = [];
    const replies: ReplyOptions[] = [];
    const handler = tapRefusals({ handler: (r) => (r.reply({ status: 401 }), true), refused: (s) => refused.push(s) });
    assert.equal(handler(request([auth], replies)), true);
    assert.deepEqual(refused, ['192.0.2.5']);
    assert.deepEqual(replies.map((r) => r.status), [401]);
  });

  it('Proxy-Authorization answered 407 counts the same (RFC 3261 §22.3)', () => {
    const refused: string[] = [];
    const handler = tapRefusals({ handler: (r) => (r.reply({ status: 407 }), true), refused: (s) => refused.push(s) });
    handler(request([{ ...auth, name: 'proxy-authorization' }], []));
    assert.deepEqual(refused, ['192.0.2.5']);
  });

  it('a challenge to a request without credentials, or a 200 to one with them, is no refusal', () => {
    const refused: string[] = [];
    const replies: ReplyOptions[] = [];
    tapRefusals({ handler: (r) => (r.reply({ status: 401 }), true), refused: (s) => refused.push(s) })(request([], replies));
    tapRefusals({ handler: (r) => (r.reply({ status: 200 }), true), refused: (s) => refused.push(s) })(request([auth], replies));
    assert.deepEqual(refused, []);
    assert.deepEqual(replies.map((r) => r.status), [401, 200]);
  });
});
