// anchorSdp on real offers: what the other side must see is read off RFC 3264 and the input text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';
import { anchorSdp, type AnchorOptions } from './anchor.js';
import type { SessionDescription } from './types.js';

const sample = (name: string): string => readFileSync(new URL(`./testdata/${name}.sdp`, import.meta.url), 'utf8');
const sdpOf = (text: string): SessionDescription => {
  const r = parseSdp(text);
  assert.ok(r.ok);
  return r.value;
};
const anchor = (text: string, extra: Partial<AnchorOptions> = {}) =>
  anchorSdp({ sdp: sdpOf(text), address: '203.0.113.10', rtpPort: 20000, rtcpPort: 20001, origin: { sessionId: '42', version: 7 }, ...extra });

describe('anchorSdp', () => {
  it('rewrites a baresip offer to our address and ports, keeping its codecs, ptime, label and direction', () => {
    const r = anchor(sample('baresip-offer'));
    assert.ok(r.ok);
    assert.equal(
      serializeSdp(r.sdp),
      [
        'v=0',
        'o=- 42 7 IN IP4 203.0.113.10',
        's=-',
        'c=IN IP4 203.0.113.10',
        't=0 0',
        'm=audio 20000 RTP/AVP 0 8 101',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-15',
        'a=label:1',
        'a=ptime:20',
        'a=sendrecv',
        '',
      ].join('\r\n'),
    );
    assert.deepEqual(r.remote, { address: '192.0.2.2', rtpPort: 33364, rtcpPort: 33365 });
    assert.equal(r.direction, 'sendrecv');
    assert.deepEqual(r.codecs, ['PCMU', 'PCMA', 'telephone-event']);
  });

  it('drops ICE candidates, ice-ufrag/pwd, rtcp-fb and the codecs we do not relay (Linphone)', () => {
    const r = anchor(sample('linphone-ice-offer'));
    assert.ok(r.ok);
    const text = serializeSdp(r.sdp);
    assert.doesNotMatch(text, /candidate|ice-|rtcp-fb|rtcp-xr|opus|speex/);
    const m = r.sdp.media[0]!;
    // the offer's order and payload numbers; telephone-event only at 8000 Hz (RFC 4733 §2.1)
    assert.deepEqual(m.formats, ['0', '8', '100']);
    assert.deepEqual(r.codecs, ['PCMU', 'PCMA', 'telephone-event']);
    assert.deepEqual(
      m.attributes.map((a) => `${a.name}:${a.value}`),
      ['rtpmap:100 telephone-event/8000', 'rtcp:20001'],
    );
    // RFC 3605: a=rtcp names the sender's RTCP port
    assert.deepEqual(r.remote, { address: '192.168.1.20', rtpPort: 7078, rtcpPort: 7079 });
  });

  it('keeps maxptime and reports sendonly for an Asterisk hold (RFC 3264 §8.4)', () => {
    const r = anchor(sample('asterisk-hold'));
    assert.ok(r.ok);
    assert.equal(r.direction, 'sendonly');
    const m = r.sdp.media[0]!;
    assert.deepEqual(m.formats, ['0', '101']);
    assert.ok(m.attributes.some((a) => a.name === 'maxptime' && a.value === '150'));
    assert.ok(m.attributes.some((a) => a.name === 'sendonly' && a.value === null));
    assert.deepEqual(r.remote, { address: '10.0.0.5', rtpPort: 17336, rtcpPort: 17337 });
  });

  it('Asterisk offer: GSM and G726 are not allowed by default and go; the preference order stays', () => {
    const r = anchor(sample('asterisk-offer'));
    assert.ok(r.ok);
    assert.deepEqual(r.sdp.media[0]!.formats, ['0', '8', '101']);
    assert.doesNotMatch(serializeSdp(r.sdp), /GSM|G726/);
    const onlyAlaw = anchor(sample('asterisk-offer'), { codecs: ['pcma', 'TELEPHONE-EVENT'] });
    assert.ok(onlyAlaw.ok);
    assert.deepEqual(onlyAlaw.codecs, ['PCMA', 'telephone-event']);
  });

  it('RFC 3264 §6: keeps every m= line, rejecting the ones it does not anchor with port 0 (RFC 4317 §2.1)', () => {
    const r = anchor(sample('rfc4317-offer'));
    assert.ok(r.ok);
    assert.deepEqual(
      r.sdp.media.map((m) => `${m.type} ${m.port} ${m.proto} ${m.formats.join(' ')}`),
      ['audio 20000 RTP/AVP 0 8', 'video 0 RTP/AVP 31 32'],
    );
    assert.deepEqual(r.sdp.media[1]!.attributes, []);
    // c= names a host, not an address: latching has to find the phone
    assert.equal(r.remote, null);
  });

  it('an answer whose audio was rejected (port 0) stays rejected', () => {
    const answer = sample('rfc4317-answer').replace('m=audio 49172', 'm=audio 0');
    const r = anchor(answer);
    assert.ok(r.ok);
    assert.equal(r.sdp.media[0]!.port, 0);
    assert.equal(r.remote, null);
  });

  it('RFC 3264 §8.4 old-style hold: c=0.0.0.0 without attribute is inactive, with one it is what it says', () => {
    const old = sample('asterisk-offer').replace('c=IN IP4 10.0.0.5', 'c=IN IP4 0.0.0.0').replace('a=sendrecv\n', '');
    const r = anchor(old);
    assert.ok(r.ok);
    assert.equal(r.direction, 'inactive');
    assert.equal(r.remote, null);
    assert.ok(r.sdp.media[0]!.attributes.some((a) => a.name === 'inactive'));
    assert.equal(r.sdp.connection?.address, '203.0.113.10');
    const stated = anchor(sample('asterisk-hold').replace('c=IN IP4 10.0.0.5', 'c=IN IP4 0.0.0.0'));
    assert.ok(stated.ok);
    assert.equal(stated.direction, 'sendonly');
  });

  it('RFC 3264 §5.1: a session-level direction applies when the media has none', () => {
    const s = sample('asterisk-offer').replace('a=sendrecv\n', '').replace('t=0 0\n', 't=0 0\na=recvonly\n');
    const r = anchor(s);
    assert.ok(r.ok);
    assert.equal(r.direction, 'recvonly');
    assert.deepEqual(r.sdp.attributes, []);
    assert.ok(r.sdp.media[0]!.attributes.some((a) => a.name === 'recvonly'));
  });

  it('Chrome: DTLS-SRTP audio (UDP/TLS/RTP/SAVPF) is not plain RTP, so there is no audio to anchor', () => {
    assert.deepEqual(anchor(sample('chrome-offer')), { ok: false, error: 'no-audio' });
  });

  it("Chrome's ICE, DTLS, BUNDLE, rtcp-mux, extmap, msid and ssrc lines all go from an RTP/AVPF line", () => {
    const r = anchor(sample('chrome-offer').replace('UDP/TLS/RTP/SAVPF', 'RTP/AVPF'));
    assert.ok(r.ok);
    const text = serializeSdp(r.sdp);
    assert.doesNotMatch(text, /candidate|ice-|fingerprint|setup|group|BUNDLE|mid|rtcp-mux|extmap|msid|ssrc|rtcp-fb|opus|G722|red\//);
    assert.deepEqual(r.sdp.media[0]!.formats, ['0', '8', '126']);
    // c=0.0.0.0 with a=sendrecv: the attribute wins (RFC 3264 §8.4 only covers the no-attribute case)
    assert.equal(r.direction, 'sendrecv');
    assert.equal(r.remote, null);
    assert.match(text, /^a=rtcp:20001$/m);
  });

  it('advertises an IPv6 address as IN IP6', () => {
    const r = anchor(sample('baresip-offer'), { address: '2001:db8::10' });
    assert.ok(r.ok);
    const text = serializeSdp(r.sdp);
    assert.match(text, /^o=- 42 7 IN IP6 2001:db8::10$/m);
    assert.match(text, /^c=IN IP6 2001:db8::10$/m);
  });

  it('fails with no-common-codec when only other codecs, or only telephone-event, are offered', () => {
    const g729 = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18 101\r\na=rtpmap:101 telephone-event/8000\r\n';
    assert.deepEqual(anchor(g729), { ok: false, error: 'no-common-codec' });
  });

  it('appends transcoding codecs on free dynamic types, one rtpmap each (RFC 4566 §6: one rtpmap per payload type)', () => {
    const r = anchor(sample('baresip-offer'), {
      codecs: ['PCMU', 'PCMA', 'G722', 'opus', 'telephone-event'],
      extra: [
        { encoding: 'PCMU', clockRate: 8000, payloadType: 0 },
        { encoding: 'G722', clockRate: 8000, payloadType: 9 },
        { encoding: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1' },
      ],
    });
    assert.ok(r.ok);
    const text = serializeSdp(r.sdp);
    assert.match(text, /^m=audio 20000 RTP\/AVP 0 8 101 9 96\r$/m);
    assert.deepEqual(text.match(/^a=rtpmap:96 [^\r]*/gm), ['a=rtpmap:96 opus/48000/2']);
    assert.match(text, /^a=fmtp:96 useinbandfec=1\r$/m);
    assert.equal(text.match(/^a=rtpmap:0 /gm)?.length, 1);
  });

  it('fails with no-audio when there is no audio m= line', () => {
    const video = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=video 4000 RTP/AVP 31\r\n';
    assert.deepEqual(anchor(video), { ok: false, error: 'no-audio' });
  });
});
