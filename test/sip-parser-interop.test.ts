// Interop with node-sip (npm `sip`), an independent SIP implementation: what it writes, we parse
// to the same method, URI and header values; what we write, it parses back to ours.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createRequest, createResponse, getHeader, getVias, parseCSeq, parseMessage, parseNameAddr, serializeMessage } from '../server/sip/message/index.js';
import type { SipMessage, SipRequest } from '../server/sip/message/index.js';

// node-sip ships no types; this is the subset of its message shape the test touches.
interface PeerVia { host: string; port?: number; protocol: string; params: Record<string, string | null> }
interface PeerAddr { name?: string; uri: string; params: Record<string, string | null> }
interface PeerMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  version?: string;
  headers: Record<string, unknown> & { via?: PeerVia[]; to?: PeerAddr; from?: PeerAddr; cseq?: { seq: number; method: string }; 'call-id'?: string; contact?: PeerAddr[] };
  content?: string;
}
interface NodeSip {
  stringify(m: PeerMessage): string;
  parse(s: string | Buffer): PeerMessage | undefined;
}
const sip = createRequire(import.meta.url)('sip') as NodeSip;

function ours(bytes: string | Buffer): SipMessage {
  const r = parseMessage(typeof bytes === 'string' ? Buffer.from(bytes, 'binary') : bytes);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.detail}`);
  return r.value;
}

const peerRequests: PeerMessage[] = [
  {
    method: 'INVITE', uri: 'sip:bob@biloxi.example.com;transport=tcp', version: '2.0',
    headers: {
      via: [{ protocol: 'UDP', host: 'pc33.atlanta.example.com', port: 5066, params: { branch: 'z9hG4bK776asdhds', rport: null } },
        { protocol: 'TCP', host: '192.0.2.7', params: { branch: 'z9hG4bKnashds8', received: '192.0.2.9' } }],
      to: { name: 'Bob', uri: 'sip:bob@biloxi.example.com', params: {} },
      from: { name: 'Alice', uri: 'sip:alice@atlanta.example.com', params: { tag: '1928301774' } },
      'call-id': 'a84b4c76e66710@pc33.atlanta.example.com',
      cseq: { seq: 314159, method: 'INVITE' },
      contact: [{ uri: 'sip:alice@pc33.atlanta.example.com', params: { expires: '300' } }],
      'max-forwards': '70', 'content-type': 'application/sdp',
    },
    content: 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\n',
  },
  {
    method: 'REGISTER', uri: 'sip:registrar.example.com', version: '2.0',
    headers: {
      via: [{ protocol: 'UDP', host: '[2001:db8::9]', port: 5060, params: { branch: 'z9hG4bKreg1' } }],
      to: { uri: 'sip:1001@example.com', params: {} },
      from: { uri: 'sip:1001@example.com', params: { tag: 'r1' } },
      'call-id': 'reg-1', cseq: { seq: 2, method: 'REGISTER' },
      contact: [{ uri: 'sip:1001@192.0.2.50:5062', params: { expires: '3600' } }],
      'max-forwards': '70', expires: '3600',
    },
  },
];

describe('node-sip → ours', () => {
  for (const peer of peerRequests) {
    it(`RFC 3261 §7: a ${peer.method ?? ''} stringified by node-sip parses to the same fields`, () => {
      const text = sip.stringify(structuredClone(peer));
      const m = ours(text) as SipRequest;
      assert.equal(m.kind, 'request');
      assert.equal(m.method, peer.method);
      assert.equal(m.uri, peer.uri);
      assert.equal(getHeader(m, 'Call-ID'), peer.headers['call-id']);
      const cseq = parseCSeq(getHeader(m, 'CSeq') ?? '');
      assert.ok(cseq.ok);
      assert.deepEqual({ ...cseq.value }, peer.headers.cseq);
      const vias = getVias(m);
      assert.ok(vias.ok);
      assert.deepEqual(vias.value.map((v) => [v.transport, v.host, v.port, v.branch]),
        (peer.headers.via ?? []).map((v) => [v.protocol, v.host, v.port, v.params.branch]));
      const from = parseNameAddr(getHeader(m, 'From') ?? '');
      assert.ok(from.ok);
      assert.equal(from.value.uri, peer.headers.from?.uri);
      assert.equal(from.value.params.get('tag'), peer.headers.from?.params.tag);
      assert.equal(Buffer.from(m.body).toString('binary'), peer.content ?? '');
    });
  }
});

describe('ours → node-sip', () => {
  const request = createRequest({
    method: 'OPTIONS', uri: 'sip:carol@chicago.example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bKhjhs8ass877'],
      ['Max-Forwards', '70'], ['To', '<sip:carol@chicago.example.com>'], ['From', 'Alice <sip:alice@example.com>;tag=1928301774'],
      ['Call-ID', 'a84b4c76e66710'], ['CSeq', '63104 OPTIONS'], ['Contact', '<sip:alice@pc33.example.com>'], ['Accept', 'application/sdp'],
    ],
    body: 'hello',
  });
  const cases: [string, SipMessage][] = [
    ['an OPTIONS request', request],
    ['a 200 response built by createResponse', createResponse(request, { status: 200, toTag: '93810874', headers: [['Allow', 'INVITE, ACK, OPTIONS']] })],
  ];
  for (const [label, msg] of cases) {
    it(`RFC 3261 §7: ${label} serialized by us parses in node-sip`, () => {
      const peer = sip.parse(serializeMessage(msg));
      assert.ok(peer !== undefined);
      if (msg.kind === 'request') {
        assert.equal(peer.method, msg.method);
        assert.equal(peer.uri, msg.uri);
      } else {
        assert.equal(peer.status, msg.status);
        assert.equal(peer.reason, msg.reason);
      }
      assert.equal(peer.headers['call-id'], getHeader(msg, 'Call-ID'));
      assert.deepEqual(peer.headers.cseq, { seq: 63104, method: 'OPTIONS' });
      assert.equal(peer.headers.via?.[0]?.host, 'pc33.example.com');
      assert.equal(peer.headers.via?.[0]?.params.branch, 'z9hG4bKhjhs8ass877');
      assert.equal(peer.headers.from?.params.tag, '1928301774');
      assert.equal(peer.headers.to?.uri, 'sip:carol@chicago.example.com');
      assert.equal(peer.content ?? '', Buffer.from(msg.body).toString('binary'));
    });
  }

  it('RFC 4475 §3.1.1.1 wsinv re-serialized by us parses in node-sip with the RFC values', () => {
    const m = ours(readFileSync(new URL('./fixtures/sip-torture/rfc4475/wsinv.dat', import.meta.url)));
    const peer = sip.parse(serializeMessage(m));
    assert.ok(peer !== undefined);
    assert.equal(peer.method, 'INVITE');
    assert.equal(peer.headers['call-id'], 'wsinv.ndaksdj@192.0.2.1');
    assert.equal(peer.headers.cseq?.seq, 9);
    assert.equal(peer.headers.via?.length, 3);
    assert.equal(peer.content?.length, 150);
  });
});
