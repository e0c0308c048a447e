// The INVITE's 407 digest check (RFC 3261 §22.3) against responses computed here from RFC 7616
// §3.4.1, independently of server/sip/auth.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DigestAuthenticator, FakeClock, parseMessage, type IncomingRequest, type ReplyOptions, type SipRequest } from '../sip/index.js';
import { authenticateInvite } from './invite-auth.js';

const REALM = 'pbx.example.com';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const HA1 = md5(`1001:${REALM}:secret-1001`);
const credentials = { find: async (u: string) => (u === '1001' ? { username: '1001', realm: REALM, ha1Md5: HA1, ha1Sha256: 'unused' } : undefined) };

function invite(requestUri: string, proxyAuthorization?: string): IncomingRequest {
  const text = [
    `INVITE ${requestUri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-inv1;rport',
    'Max-Forwards: 70',
    `From: <sip:1001@${REALM}>;tag=a1`,
    `To: <${requestUri}>`,
    'Call-ID: invite-auth-test@192.0.2.10',
    'CSeq: 1 INVITE',
    'Contact: <sip:1001@192.0.2.10:5062>',
    ...(proxyAuthorization ? [`Proxy-Authorization: ${proxyAuthorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(new TextEncoder().encode(text));
  assert.ok(parsed.ok && parsed.value.kind === 'request');
  const flow = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '192.0.2.10', port: 5062 } };
  return { message: parsed.value as SipRequest, flow, source: flow.remote, reply: (_: ReplyOptions) => undefined };
}

function answer(challenge: string, uri: string): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const ha2 = md5(`INVITE:${uri}`);
  const response = md5(`${HA1}:${nonce}:00000001:c0ffee:auth:${ha2}`);
  return `Digest username="1001", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, cnonce="c0ffee", qop=auth, nc=00000001`;
}

async function challenged(authenticator: DigestAuthenticator, requestUri: string): Promise<string> {
  const first = await authenticateInvite({ request: invite(requestUri), authenticator, credentials });
  assert.ok(!first.ok && first.reply.status === 407);
  return first.reply.headers!.find((h) => h.name === 'Proxy-Authenticate')!.value;
}

describe('INVITE digest uri (issue 18, finding 11)', () => {
  const authenticator = () => new DigestAuthenticator({ realm: REALM, secret: new Uint8Array(32).fill(3), clock: new FakeClock(), algorithms: ['MD5'] });
  const isOwnHost = (h: string) => h === REALM || h === '127.0.0.1';

  it("SIPp's uri, sip:host:port of the target, is accepted for an INVITE to a user at that target", async () => {
    const auth = authenticator();
    const requestUri = 'sip:1002@127.0.0.1:5060';
    const challenge = await challenged(auth, requestUri);
    const result = await authenticateInvite({ request: invite(requestUri, answer(challenge, 'sip:127.0.0.1:5060')), authenticator: auth, credentials, isOwnHost });
    assert.deepEqual(result, { ok: true, username: '1001' });
  });

  it('RFC 2617 3.2.2.5: a response computed for another resource is answered 400, not challenged again', async () => {
    const auth = authenticator();
    const requestUri = 'sip:1002@127.0.0.1:5060';
    const challenge = await challenged(auth, requestUri);
    // a valid response, captured from a call to 1003, replayed against a call to 1002
    const result = await authenticateInvite({ request: invite(requestUri, answer(challenge, 'sip:1003@127.0.0.1:5060')), authenticator: auth, credentials, isOwnHost });
    assert.equal(result.ok ? 200 : result.reply.status, 400);
  });
});
