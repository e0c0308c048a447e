// Interop with node-sip (an independent SIP implementation, devDependency): node-sip writes the
// REGISTER and answers our challenge with its own digest code; our parser and registrar must accept
// it. node-sip implements MD5 only and takes the first challenge for the realm, so it is shown the
// MD5 challenge alone (RFC 8760 §2.4 says a client skips algorithms it does not support).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { parseMessage } from '../sip/message/parser.js';
import type { SipRequest } from '../sip/message/types.js';
import { DOMAIN, harness, header, udpFlow } from './test-support.js';

interface NodeSipMessage {
  method?: string;
  uri?: string;
  status?: number;
  headers: Record<string, unknown>;
  content?: string;
}
const require = createRequire(import.meta.url);
const sip = require('sip') as { stringify(m: NodeSipMessage): string; parse(s: string): NodeSipMessage };
const digest = require('sip/digest.js') as {
  signRequest(ctx: object | undefined, rq: NodeSipMessage, rs: NodeSipMessage, creds: { user: string; password: string }): object | null;
};

function register(cseq: number): NodeSipMessage {
  return {
    method: 'REGISTER',
    uri: `sip:${DOMAIN}`,
    headers: {
      via: [{ version: '2.0', protocol: 'UDP', host: '192.0.2.10', port: 5062, params: { branch: `z9hG4bKnodesip${cseq}`, rport: null } }],
      'max-forwards': 70,
      from: { uri: `sip:1001@${DOMAIN}`, params: { tag: 'nodesip1' } },
      to: { uri: `sip:1001@${DOMAIN}`, params: {} },
      'call-id': 'nodesip-interop-1@192.0.2.10',
      cseq: { seq: cseq, method: 'REGISTER' },
      contact: [{ uri: 'sip:1001@192.0.2.10:5062', params: { expires: 600 } }],
    },
    content: '',
  };
}

function ours(m: NodeSipMessage): SipRequest {
  const parsed = parseMessage(new TextEncoder().encode(sip.stringify(m)));
  assert.ok(parsed.ok && parsed.value.kind === 'request', 'node-sip REGISTER parses');
  return parsed.value;
}

describe('interop: node-sip as the registering client', () => {
  it('RFC 3261 22.4 / RFC 7616: node-sip answers our MD5 challenge and gets 200 with its binding', async () => {
    const h = harness();
    const first = await h.send(ours(register(1)), udpFlow());
    assert.equal(first.status, 401);
    const md5 = header(first, 'WWW-Authenticate').find((v) => /algorithm=MD5/.test(v));
    assert.ok(md5);
    // our challenge, as node-sip's own parser reads it
    const rs = sip.parse(`SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: ${md5}\r\nContent-Length: 0\r\n\r\n`);
    const rq = register(2);
    digest.signRequest(undefined, rq, rs, { user: '1001', password: 'secret-1001' });
    const second = await h.send(ours(rq), udpFlow());
    assert.equal(second.status, 200);
    assert.deepEqual(header(second, 'Contact'), ['<sip:1001@192.0.2.10:5062>;expires=600']);
  });
  it('RFC 3261 22.4: node-sip with a wrong password is challenged again', async () => {
    const h = harness();
    const first = await h.send(ours(register(1)), udpFlow());
    const md5 = header(first, 'WWW-Authenticate').find((v) => /algorithm=MD5/.test(v))!;
    const rs = sip.parse(`SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: ${md5}\r\nContent-Length: 0\r\n\r\n`);
    const rq = register(2);
    digest.signRequest(undefined, rq, rs, { user: '1001', password: 'not-it' });
    assert.equal((await h.send(ours(rq), udpFlow())).status, 401);
  });
});
