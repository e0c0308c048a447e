// WebRtcEndpoint renegotiation (RFC 3264 §8 on a WebRTC session): a later offer from the peer, as
// JsSIP sends for hold and resume, is answered on the running session with the same ICE credentials
// and DTLS fingerprint and the direction mirrored (RFC 3264 §6.1); a later offer of ours likewise.
// The peer is a separate werift RTCPeerConnection here; Chromium is the peer in test/calls-webrtc-hold.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { WebRtcEndpoint, WebRtcError, type WebRtcState } from './index.js';
import { gatheringComplete } from './local-sdp.js';
import { freePortBlock } from '../../test/helpers/ports.js';

const attr = (sdp: string, name: string): string | undefined => new RegExp(`^a=${name}:(.*)$`, 'm').exec(sdp)?.[1]?.trim();
const direction = (sdp: string): string | undefined => /^a=(sendrecv|sendonly|recvonly|inactive)$/m.exec(sdp)?.[1];

async function localSdp(pc: RTCPeerConnection, type: 'offer' | 'answer'): Promise<string> {
  await pc.setLocalDescription(type === 'offer' ? await pc.createOffer() : await pc.createAnswer());
  await gatheringComplete(pc);
  return pc.localDescription?.sdp ?? '';
}

describe('WebRtcEndpoint renegotiation on a connected session', () => {
  let endpoint: WebRtcEndpoint;
  let peer: RTCPeerConnection;
  let transceiver: RTCRtpTransceiver;
  let first = '';

  before(async () => {
    const [ours, theirs] = [await freePortBlock(2), await freePortBlock(2)];
    endpoint = await WebRtcEndpoint.create({ bindAddress: '127.0.0.1', portMin: ours, portMax: ours + 1 });
    peer = new RTCPeerConnection({ iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], icePortRange: [theirs, theirs + 1] });
    transceiver = peer.addTransceiver('audio', { direction: 'sendrecv' });
    const connected = new Promise<WebRtcState>((resolve) => endpoint.onState(resolve));
    first = await endpoint.acceptOffer(await localSdp(peer, 'offer'));
    await peer.setRemoteDescription({ type: 'answer', sdp: first });
    assert.equal(await connected, 'connected');
  });

  after(async () => {
    await endpoint.close();
    await peer.close();
  });

  it('RFC 3264 §6.1: a sendonly re-offer (hold) is answered recvonly with the same ICE ufrag/pwd and fingerprint', async () => {
    transceiver.setDirection('sendonly');
    const offer = await localSdp(peer, 'offer');
    assert.equal(direction(offer), 'sendonly');
    const answer = await endpoint.acceptOffer(offer);
    await peer.setRemoteDescription({ type: 'answer', sdp: answer });
    assert.equal(direction(answer), 'recvonly');
    for (const name of ['ice-ufrag', 'ice-pwd', 'fingerprint', 'setup']) assert.equal(attr(answer, name), attr(first, name), name);
    assert.equal(endpoint.stats().state, 'connected');
  });

  it('RFC 3264 §8.4: a sendrecv re-offer (resume) is answered sendrecv on the same session', async () => {
    transceiver.setDirection('sendrecv');
    const answer = await endpoint.acceptOffer(await localSdp(peer, 'offer'));
    await peer.setRemoteDescription({ type: 'answer', sdp: answer });
    assert.equal(direction(answer), 'sendrecv');
    assert.equal(attr(answer, 'ice-ufrag'), attr(first, 'ice-ufrag'));
    assert.equal(endpoint.stats().state, 'connected');
  });

  it('RFC 3264 §8: our own later offer keeps ICE and DTLS, and the peer\'s answer is taken on the live session', async () => {
    const offer = await endpoint.createOffer();
    for (const name of ['ice-ufrag', 'ice-pwd', 'fingerprint']) assert.equal(attr(offer, name), attr(first, name), name);
    await peer.setRemoteDescription({ type: 'offer', sdp: offer });
    await endpoint.acceptAnswer(await localSdp(peer, 'answer'));
    assert.equal(endpoint.stats().state, 'connected');
  });

  it('a re-offer werift cannot apply is refused and the running session stays connected', async () => {
    await assert.rejects(endpoint.acceptOffer('v=0\r\nnot sdp\r\n'), (err: unknown) => err instanceof WebRtcError && err.code === 'bad-sdp');
    assert.equal(endpoint.stats().state, 'connected');
  });
});
