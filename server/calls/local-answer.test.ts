// Our own answers to an anchored party's offers (LocalMedia, local-answer.ts). Expected values are
// RFC 3264's: §6.1 mirrors the offered direction, §8 keeps o= version unless the SDP changes, and a
// re-offer's c=/m= move where we send (§8.3.1); c=0.0.0.0 is the old hold (§8.4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LocalMedia } from './local-media.js';
import { FakeEndpoint } from './test-support.js';

const sdp = (o: { version: number; address?: string; port?: number; direction?: string; codecs?: string }) =>
  new TextEncoder().encode(
    [
      'v=0',
      `o=phone 7 ${o.version} IN IP4 127.0.0.1`,
      's=-',
      `c=IN IP4 ${o.address ?? '127.0.0.1'}`,
      't=0 0',
      `m=audio ${o.port ?? 4000} RTP/AVP ${o.codecs ?? '8 0 101'}`,
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      ...(o.direction ? [`a=${o.direction}`] : []),
      '',
    ].join('\r\n'),
  );
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const direction = (b: Uint8Array) => /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(text(b))?.[1];
const version = (b: Uint8Array) => Number(/^o=\S+ \S+ (\d+) /m.exec(text(b))?.[1]);
const codecLine = (b: Uint8Array) => /^m=audio \d+ RTP\/AVP (.*)$/m.exec(text(b))?.[1]?.trim();

async function answered() {
  const endpoint = new FakeEndpoint('caller');
  const media = await LocalMedia.open({ engine: { createEndpoint: async () => endpoint.handle }, group: 'g', address: '127.0.0.1', offer: sdp({ version: 1 }) });
  const first = await media.answer(sdp({ version: 1 }));
  assert.ok(first.ok);
  return { endpoint, media, first: first.body };
}

describe("re-offers answered by the anchored party's own endpoint", () => {
  for (const [offered, expected] of [
    ['sendonly', 'recvonly'],
    ['inactive', 'inactive'],
    ['recvonly', 'sendonly'],
    ['sendrecv', 'sendrecv'],
  ] as const) {
    it(`RFC 3264 §6.1: a=${offered} is answered a=${expected}; the media timeout is watched only for sendrecv (§8.4)`, async () => {
      const { endpoint, media } = await answered();
      const r = await media.answerReoffer(sdp({ version: 2, direction: offered }));
      assert.ok(r.ok);
      assert.equal(direction(r.body), expected);
      assert.equal(r.direction, offered);
      assert.equal(endpoint.watched.at(-1), offered === 'sendrecv');
      assert.match(text(r.body), new RegExp(`^m=audio ${endpoint.rtpPort} `, 'm'), 'our own port, as in the first answer');
    });
  }

  it('RFC 3264 §8: o= keeps its session id; the version goes up by one when our SDP changes and stays when it does not', async () => {
    const { media, first } = await answered();
    const held = await media.answerReoffer(sdp({ version: 2, direction: 'sendonly' }));
    const again = await media.answerReoffer(sdp({ version: 2, direction: 'sendonly' }));
    const resumed = await media.answerReoffer(sdp({ version: 3 }));
    assert.ok(held.ok && again.ok && resumed.ok);
    const id = (b: Uint8Array) => /^o=\S+ (\S+) /m.exec(text(b))?.[1];
    assert.equal(id(held.body), id(first));
    assert.deepEqual([version(first), version(held.body), version(again.body), version(resumed.body)], [version(first), version(first) + 1, version(first) + 1, version(first) + 2]);
  });

  it('RFC 6337 §5.3: the codec in use stays when the re-offer still lists it, even behind others', async () => {
    const { media, first } = await answered();
    assert.equal(codecLine(first), '8 101');
    const r = await media.answerReoffer(sdp({ version: 2, codecs: '0 8 101' }));
    assert.ok(r.ok);
    assert.equal(codecLine(r.body), '8 101');
  });

  it('RFC 3264 §8.3.1: a new address and port in the re-offer move where the endpoint sends; c=0.0.0.0 (§8.4) stops it', async () => {
    const { endpoint, media } = await answered();
    await media.answerReoffer(sdp({ version: 2, address: '127.0.0.9', port: 4100 }));
    assert.deepEqual(endpoint.remotes.at(-1), { address: '127.0.0.9', rtpPort: 4100, rtcpPort: 4101 });
    const held = await media.answerReoffer(sdp({ version: 3, address: '0.0.0.0' }));
    assert.ok(held.ok);
    assert.equal(endpoint.remotes.at(-1), null);
    assert.equal(direction(held.body), 'inactive');
  });

  it('RFC 4568: an SDES re-offer is refused (488 upstream) rather than answered in the clear', async () => {
    const { media } = await answered();
    const srtp = text(sdp({ version: 2 })).replace('RTP/AVP', 'RTP/SAVP');
    const r = await media.answerReoffer(new TextEncoder().encode(srtp));
    assert.equal(r.ok, false);
  });
});
