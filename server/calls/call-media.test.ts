// CallMedia with WebRTC legs, against a fake engine that records what each endpoint was told:
// re-offers renegotiate on the WebRTC endpoint (RFC 3264 §8) with the direction offered (RFC 3264
// §6.1), and a callee with browser and phone forks keeps the endpoint of the kind that answered.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointHandle } from '../../media/index.js';
import { openCallMedia } from './call-media-open.js';

type Kind = 'rtp' | 'webrtc';
interface Fake {
  readonly id: string;
  readonly kind: Kind;
  readonly ops: string[];
  closed: boolean;
  connectedTo: string | null;
  readonly sources: readonly string[] | undefined;
}

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
/** a browser's SDP as Chrome writes it (trimmed): Opus over DTLS-SRTP/ICE */
const browserSdp = (direction: string, ufrag = 'Brws') =>
  crlf(['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111 126', 'c=IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`, 'a=ice-pwd:browserpasswordbrowserpw', 'a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99',
    'a=setup:actpass', 'a=mid:0', `a=${direction}`, 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:126 telephone-event/8000']);
/** what the fake WebRTC endpoint "makes" (werift's SDP stands in), numbered per call */
const endpointSdp = (n: number) =>
  crlf(['v=0', `o=- ${n} 0 IN IP4 0.0.0.0`, 's=-', 't=0 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111 126', 'c=IN IP4 0.0.0.0', 'a=ice-ufrag:ours', 'a=ice-pwd:ourpasswordourpassword1',
    'a=setup:active', 'a=sendrecv', 'a=mid:0', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:126 telephone-event/8000']);
const phoneSdp = (direction: string, version = 1) =>
  crlf(['v=0', `o=phone 100 ${version} IN IP4 127.0.0.9`, 's=-', 'c=IN IP4 127.0.0.9', 't=0 0', 'm=audio 40000 RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', `a=${direction}`]);
const body = (s: string) => new Uint8Array(Buffer.from(s));
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const direction = (sdp: string) => /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(sdp)?.[1];

function fakeEngine() {
  const made: Fake[] = [];
  let sdps = 0;
  const createEndpoint = ({ kind = 'rtp', sources }: { group: string; kind?: Kind; sources?: readonly string[] }): Promise<EndpointHandle> => {
    const fake: Fake = { id: `ep${made.length}`, kind, ops: [], closed: false, connectedTo: null, sources };
    made.push(fake);
    const handle = {
      id: fake.id,
      group: 'g',
      kind,
      rtpPort: 20000 + made.length * 2,
      rtcpPort: 20001 + made.length * 2,
      connect: (peer: { id: string }) => (fake.connectedTo = peer.id),
      setRemote: () => {},
      setFormat: () => {},
      detectInbandDtmf: () => {},
      startSpeechTap: () => {},
      stopSpeechTap: () => {},
      setSrtp: () => {},
      watchTimeout: () => {},
      negotiate: (op: { op: string }) => {
        fake.ops.push(op.op);
        return Promise.resolve(op.op === 'accept-answer' ? '' : endpointSdp(++sdps));
      },
      close: () => {
        fake.closed = true;
        return Promise.resolve({});
      },
    };
    return Promise.resolve(handle as unknown as EndpointHandle);
  };
  return { made, engine: { createEndpoint } };
}

describe('CallMedia: strict source (issue 18)', () => {
  it("each party's endpoint is told where that party's SIP comes from; the browser fork's endpoint needs none (ICE)", async () => {
    const { made, engine } = fakeEngine();
    await openCallMedia({ engine, group: 'g', address: '127.0.0.1', browserFork: true, sources: { caller: ['198.51.100.7'], callee: ['203.0.113.5', '203.0.113.6'] } });
    assert.deepEqual(
      made.map((e) => [e.kind, e.sources]),
      [
        ['rtp', ['198.51.100.7']],
        ['rtp', ['203.0.113.5', '203.0.113.6']],
        ['webrtc', undefined],
      ],
    );
  });
});

describe('CallMedia: WebRTC re-offers (RFC 3264 §8)', () => {
  it('a browser caller\'s hold re-offer is answered by its endpoint anew, not with the call-setup answer', async () => {
    const { made, engine } = fakeEngine();
    const media = await openCallMedia({ engine, group: 'g', address: '127.0.0.1', callerKind: 'webrtc' });
    await media.prepareWebRtc('caller', body(browserSdp('sendrecv')));
    assert.ok(media.relay('caller', body(browserSdp('sendrecv')), 'offer').ok);
    const setup = media.relay('callee', body(phoneSdp('sendrecv')), 'answer');
    assert.ok(setup.ok);

    await media.prepareReoffer('caller', body(browserSdp('sendonly')));
    const toPhone = media.relay('caller', body(browserSdp('sendonly')), 'offer');
    assert.ok(toPhone.ok);
    assert.equal(direction(text(toPhone.body)), 'sendonly', 'the phone is offered what the browser offered');
    const back = media.relay('callee', body(phoneSdp('recvonly', 2)), 'answer');
    assert.ok(back.ok);
    assert.deepEqual(made[0]!.ops, ['accept-offer', 'accept-offer']);
    assert.notEqual(text(back.body), text(setup.body), 'a fresh answer from the endpoint');
    assert.equal(text(back.body), endpointSdp(2));
  });

  it('a phone\'s hold re-offer sends the browser callee a fresh endpoint offer carrying a=sendonly, and the browser\'s answer completes it', async () => {
    const { made, engine } = fakeEngine();
    const media = await openCallMedia({ engine, group: 'g', address: '127.0.0.1', calleeKind: 'webrtc' });
    await media.prepareWebRtcOffer('callee');
    assert.ok(media.relay('caller', body(phoneSdp('sendrecv')), 'offer').ok);
    assert.ok(media.relay('callee', body(browserSdp('sendrecv')), 'answer').ok);

    await media.prepareReoffer('caller', body(phoneSdp('sendonly', 2)));
    const toBrowser = media.relay('caller', body(phoneSdp('sendonly', 2)), 'offer');
    assert.ok(toBrowser.ok);
    assert.equal(direction(text(toBrowser.body)), 'sendonly');
    assert.match(text(toBrowser.body), /^o=- 2 0 /m, 'the endpoint\'s second offer');
    const toPhone = media.relay('callee', body(browserSdp('recvonly')), 'answer');
    assert.ok(toPhone.ok);
    assert.equal(direction(text(toPhone.body)), 'recvonly', 'RFC 3264 §6.1: the phone gets recvonly back');
    assert.deepEqual(made[1]!.ops, ['create-offer', 'accept-answer', 'create-offer', 'accept-answer']);
  });
});

describe('CallMedia: a callee with browser and phone forks', () => {
  const ring = async () => {
    const { made, engine } = fakeEngine();
    const media = await openCallMedia({ engine, group: 'g', address: '127.0.0.1', browserFork: true });
    await media.prepareWebRtcOffer('callee');
    const toPhones = media.relay('caller', body(phoneSdp('sendrecv')), 'offer');
    assert.ok(toPhones.ok);
    assert.match(text(toPhones.body), /^m=audio \d+ RTP\/AVP /m, 'phone forks get plain RTP');
    const toBrowsers = media.browserForkOffer();
    assert.ok(toBrowsers);
    assert.match(text(toBrowsers), /^m=audio 9 UDP\/TLS\/RTP\/SAVPF /m, 'browser forks get the WebRTC endpoint\'s offer');
    const [caller, rtp, webrtc] = made as [Fake, Fake, Fake];
    assert.equal(webrtc.kind, 'webrtc');
    return { media, caller, rtp, webrtc };
  };

  it('the browser answers: the WebRTC endpoint stays, the caller is connected to it, the RTP one is closed', async () => {
    const { media, caller, rtp, webrtc } = await ring();
    assert.ok(media.relay('callee', body(browserSdp('sendrecv')), 'answer').ok);
    assert.equal(caller.connectedTo, webrtc.id);
    assert.equal(media.endpointId('callee'), webrtc.id);
    assert.deepEqual(webrtc.ops, ['create-offer', 'accept-answer']);
    assert.equal(rtp.closed, true);
    assert.equal(webrtc.closed, false);
  });

  it('the phone answers: the RTP endpoint stays and the WebRTC one is closed', async () => {
    const { media, caller, rtp, webrtc } = await ring();
    assert.ok(media.relay('callee', body(phoneSdp('sendrecv')), 'answer').ok);
    assert.equal(caller.connectedTo, rtp.id);
    assert.equal(media.endpointId('callee'), rtp.id);
    assert.equal(webrtc.closed, true);
    assert.equal(rtp.closed, false);
  });
});

describe('openCallMedia: endpoints asked for at once', () => {
  it('asks the engine for both parties\' endpoints before either exists (one worker round trip before the callee is offered)', async () => {
    const { engine } = fakeEngine();
    const asked: string[] = [];
    const release: (() => void)[] = [];
    const gated = {
      createEndpoint: (o: { group: string; kind?: Kind }) => {
        asked.push(o.kind ?? 'rtp');
        return new Promise<EndpointHandle>((resolve) => release.push(() => void engine.createEndpoint(o).then(resolve)));
      },
    };
    const opening = openCallMedia({ engine: gated, group: 'g', address: '127.0.0.1' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(asked, ['rtp', 'rtp'], 'both asked before the first answered');
    release.forEach((r) => r());
    const media = await opening;
    assert.ok(media);
  });

  it('closes the endpoint that was made when the other one fails, and rejects', async () => {
    const { made, engine } = fakeEngine();
    let n = 0;
    const failing = { createEndpoint: (o: { group: string; kind?: Kind }) => (n++ === 1 ? Promise.reject(new Error('ports-exhausted')) : engine.createEndpoint(o)) };
    await assert.rejects(openCallMedia({ engine: failing, group: 'g', address: '127.0.0.1' }), /ports-exhausted/);
    assert.deepEqual(made.map((e) => e.closed), [true]);
  });
});
