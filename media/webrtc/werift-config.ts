// Builds werift's RTCPeerConnection configuration for a browser agent's audio leg. Kept apart from
// the endpoint so the mapping from our options to werift's option names is one readable table.
import { isIP } from 'node:net';
import { RTCRtpCodecParameters, type RTCPeerConnectionConfig } from 'werift';

export interface WebRtcAddressOptions {
  /** where werift's UDP sockets bind: a specific address, or '0.0.0.0' / '::' for every interface */
  readonly bindAddress: string;
  /** an address the browser reaches us at through 1:1 NAT (cloud public IP); advertised as one more host candidate */
  readonly publicAddress?: string;
  /** werift's UDP ports stay within [portMin, portMax]; werift needs portMin < portMax */
  readonly portMin?: number;
  readonly portMax?: number;
}

/** Payload types we offer; when the browser offers, werift answers with the browser's numbers. */
export const OPUS_PAYLOAD_TYPE = 111;
export const TELEPHONE_EVENT_PAYLOAD_TYPE = 110;

export type ConfigResult = { ok: true; config: RTCPeerConnectionConfig } | { ok: false; error: string };

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * Candidate gathering in werift (ice/src/ice.js gatherCandidates): host addresses come from
 * os.networkInterfaces() when iceUseIpv4/iceUseIpv6 are on, then iceAdditionalHostAddresses are
 * added, and one UDP socket is opened per address, bound to iceInterfaceAddresses[udp4|udp6] with a
 * port from icePortRange. A candidate's address is the address string itself, not the socket's:
 * that is how the public (NAT) address becomes a host candidate of its own socket.
 */
export function buildWeriftConfig(o: WebRtcAddressOptions): ConfigResult {
  const family = isIP(o.bindAddress);
  if (family === 0) return { ok: false, error: `bindAddress ${o.bindAddress} is not an IP literal` };
  if (o.publicAddress !== undefined && isIP(o.publicAddress) === 0) {
    return { ok: false, error: `publicAddress ${o.publicAddress} is not an IP literal` };
  }
  let icePortRange: [number, number] | undefined;
  if (o.portMin !== undefined || o.portMax !== undefined) {
    if (o.portMin === undefined || o.portMax === undefined) return { ok: false, error: 'portMin and portMax go together' };
    // werift throws "should not be same value" when min === max (peerConnection.js setConfiguration).
    if (!(o.portMin > 0 && o.portMin < o.portMax && o.portMax <= 65535)) {
      return { ok: false, error: `port range ${o.portMin}-${o.portMax}: need 0 < portMin < portMax <= 65535` };
    }
    icePortRange = [o.portMin, o.portMax];
  }
  const wildcard = isWildcard(o.bindAddress);
  const additional: string[] = [];
  // A specific bind address may be loopback, which werift's interface scan skips (internal): name it.
  if (!wildcard) additional.push(o.bindAddress);
  if (o.publicAddress !== undefined && o.publicAddress !== o.bindAddress) additional.push(o.publicAddress);
  const socketType = family === 6 ? 'udp6' : 'udp4';
  const config: RTCPeerConnectionConfig = {
    // werift's default is Google's STUN server: a media worker must not talk to the internet.
    iceServers: [],
    // With a specific bind address, interface scanning is off and only `additional` is gathered;
    // with a wildcard, every non-internal interface address of that family is a host candidate.
    iceUseIpv4: wildcard && family === 4,
    iceUseIpv6: wildcard && family === 6,
    iceUseTcp: false,
    iceAdditionalHostAddresses: additional.length > 0 ? additional : undefined,
    iceInterfaceAddresses: wildcard ? undefined : { [socketType]: o.bindAddress },
    icePortRange,
    bundlePolicy: 'max-bundle',
    codecs: {
      audio: [
        // RFC 7587 §7: opus is always signalled as 48000/2; useinbandfec=1 asks the browser for FEC.
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          payloadType: OPUS_PAYLOAD_TYPE,
          parameters: 'minptime=10;useinbandfec=1',
        }),
        // RFC 4733 §7.1.1: telephone-event at the clock rate of the audio it goes with.
        new RTCRtpCodecParameters({
          mimeType: 'audio/telephone-event',
          clockRate: 48000,
          channels: 1,
          payloadType: TELEPHONE_EVENT_PAYLOAD_TYPE,
          parameters: '0-16',
        }),
      ],
      video: [],
    },
    headerExtensions: { audio: [], video: [] },
  };
  return { ok: true, config };
}
