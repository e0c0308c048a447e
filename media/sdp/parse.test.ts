// SDP parse/serialize against real bodies (a live baresip 1.0 INVITE, Asterisk, Linphone and
// Chrome shapes) and the RFC 4317 examples. Expected values are read off the SDP text itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';
import type { SessionDescription } from './types.js';

const sample = (name: string): string => readFileSync(new URL(`./testdata/${name}.sdp`, import.meta.url), 'utf8');
const parsed = (text: string): SessionDescription => {
  const r = parseSdp(text);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.detail}`);
  return r.value;
};

describe('parseSdp', () => {
  it('reads a baresip 1.0 INVITE body (captured from baresip itself)', () => {
    const sdp = parsed(sample('baresip-offer'));
    assert.equal(sdp.version, 0);
    assert.deepEqual(sdp.origin, { username: '-', sessionId: '762709410', sessionVersion: '1504770018', netType: 'IN', addrType: 'IP4', address: '192.0.2.2' });
    assert.equal(sdp.sessionName, '-');
    assert.deepEqual(sdp.connection, { netType: 'IN', addrType: 'IP4', address: '192.0.2.2' });
    assert.deepEqual(sdp.timing, [{ start: '0', stop: '0', repeats: [] }]);
    assert.deepEqual(sdp.attributes, [{ name: 'tool', value: 'baresip 1.0.0' }]);
    assert.equal(sdp.media.length, 1);
    const m = sdp.media[0]!;
    assert.equal(m.type, 'audio');
    assert.equal(m.port, 33364);
    assert.equal(m.proto, 'RTP/AVP');
    assert.deepEqual(m.formats, ['0', '8', '101']);
    assert.deepEqual(m.rtpmaps, [
      { payloadType: 0, encoding: 'PCMU', clockRate: 8000 },
      { payloadType: 8, encoding: 'PCMA', clockRate: 8000 },
      { payloadType: 101, encoding: 'telephone-event', clockRate: 8000 },
    ]);
    assert.deepEqual(
      m.attributes.map((a) => a.name),
      ['rtpmap', 'rtpmap', 'rtpmap', 'fmtp', 'sendrecv', 'label', 'rtcp-rsize', 'ssrc', 'minptime', 'ptime'],
    );
    assert.deepEqual(m.attributes[4], { name: 'sendrecv', value: null });
    assert.deepEqual(m.attributes[7], { name: 'ssrc', value: '2807798658 cname:sip:1001@127.0.0.1:35060' });
  });

  it('reads the RFC 4317 §2.1 offer: empty s=, host names, two m= lines', () => {
    const sdp = parsed(sample('rfc4317-offer'));
    assert.equal(sdp.sessionName, '');
    assert.equal(sdp.origin.username, 'alice');
    assert.equal(sdp.connection?.address, 'host.atlanta.example.com');
    assert.deepEqual(
      sdp.media.map((m) => [m.type, m.port, m.formats]),
      [
        ['audio', 49170, ['0', '8', '97']],
        ['video', 51372, ['31', '32']],
      ],
    );
    assert.deepEqual(sdp.media[1]!.rtpmaps[1], { payloadType: 32, encoding: 'MPV', clockRate: 90000 });
  });

  it('RFC 4566 §5: accepts LF-only line ends as well as CRLF, and channels in rtpmap', () => {
    const lf = parsed(sample('linphone-ice-offer'));
    const crlf = parsed(sample('linphone-ice-offer').replace(/\n/g, '\r\n'));
    assert.deepEqual(crlf, lf);
    assert.deepEqual(lf.media[0]!.rtpmaps[0], { payloadType: 96, encoding: 'opus', clockRate: 48000, channels: 2 });
    assert.equal(lf.attributes.filter((a) => a.name.startsWith('ice-')).length, 2);
  });

  it('RFC 4566 §5.7, §5.14: multicast TTL and address count, port count', () => {
    const sdp = parsed('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\nc=IN IP4 224.2.36.42/127/3\r\nt=0 0\r\nm=audio 49170/2 RTP/AVP 0\r\nc=IN IP6 FF15::101/3\r\n');
    assert.deepEqual(sdp.connection, { netType: 'IN', addrType: 'IP4', address: '224.2.36.42', ttl: 127, count: 3 });
    assert.equal(sdp.media[0]!.portCount, 2);
    assert.deepEqual(sdp.media[0]!.connection, { netType: 'IN', addrType: 'IP6', address: 'FF15::101', count: 3 });
  });

  it('serializes with CRLF in RFC 4566 order, and parses back to the same model', () => {
    for (const name of ['baresip-offer', 'linphone-ice-offer', 'asterisk-offer', 'chrome-offer', 'rfc4317-offer', 'rfc4317-answer']) {
      const text = sample(name);
      const sdp = parsed(text);
      const out = serializeSdp(sdp);
      // these samples are already in canonical order, so the text comes back byte for byte
      assert.equal(out, text.replace(/\n/g, '\r\n'), name);
      assert.deepEqual(parsed(out), sdp, name);
    }
  });

  describe('rejects malformed SDP with a typed error', () => {
    const cases: [string, string | Uint8Array, string][] = [
      ['empty body', '', 'empty'],
      ['only blank lines', '\r\n\r\n', 'empty'],
      ['v= not first', 'o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n', 'bad-version'],
      ['v=1', 'v=1\r\n', 'bad-version'],
      ['no o=', 'v=0\r\ns=-\r\nt=0 0\r\n', 'missing-origin'],
      ['short o=', 'v=0\r\no=- 1 IN IP4 1.2.3.4\r\ns=-\r\n', 'bad-origin'],
      ['no s=', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n', 'missing-session-name'],
      ['space before =', 'v=0\r\no =- 1 1 IN IP4 1.2.3.4\r\n', 'bad-line'],
      ['RFC 4566 §5: unknown type letter', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nx=1\r\n', 'unknown-type'],
      ['t= inside media', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\nt=0 0\r\n', 'misplaced-line'],
      ['m= without format', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 1 RTP/AVP\r\n', 'bad-media'],
      ['port above 65535', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 70000 RTP/AVP 0\r\n', 'bad-media'],
      ['c= with 2 fields', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN 1.2.3.4\r\n', 'bad-connection'],
      ['b= without value', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nb=AS:\r\n', 'bad-bandwidth'],
      ['t= not numeric', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=now later\r\n', 'bad-timing'],
      ['a= with empty name', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\na=:x\r\n', 'bad-attribute'],
      ['too large', `v=0\r\ns=${'x'.repeat(70_000)}\r\n`, 'too-large'],
      ['invalid UTF-8 bytes', new Uint8Array([0x76, 0x3d, 0xff, 0xfe]), 'bad-version'],
    ];
    for (const [name, input, code] of cases) {
      it(name, () => {
        const r = parseSdp(input);
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error.code, code);
      });
    }
  });
});
