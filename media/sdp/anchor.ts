// Media anchoring: rewrites one side's SDP (offer or answer) so the other side sends its media to
// us. RFC 3264 offer/answer rules the shape: the same number of m= lines in the same order (§6,
// §8), rejected streams with port 0, payload type numbers kept as the sender chose them (§6.1).
import net from 'node:net';
import { parseRtpMap } from './parse.js';
import type { RemoteAddress } from '../types.js';
import type { SdpAttribute, SdpConnection, SdpMedia, SdpRtpMap, SessionDescription } from './types.js';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface AnchorOptions {
  /** what the other side sent (offer or answer) */
  readonly sdp: SessionDescription;
  /** our advertised address (IPv4 or IPv6 → IN IP4/IP6) */
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  /** our o= line; the caller bumps version for each new SDP it sends in the dialog (RFC 3264 §8) */
  readonly origin: { readonly sessionId: string; readonly version: number };
  /** allowed encodings, default PCMU, PCMA, telephone-event (case-insensitive) */
  readonly codecs?: readonly string[];
  /** codecs we can transcode to, appended to an offer when the sender did not list them (free dynamic types) */
  readonly extra?: readonly ExtraCodec[];
  /** an answer that must name this codec (transcoding: the other side chose one this side did not offer) */
  readonly only?: { readonly encoding: string; readonly clockRate: number };
  /** the m= line's transport in what we send (RTP/AVP, or RTP/SAVP with a crypto attribute for SDES) */
  readonly proto?: string;
  /** media attributes we add (a=crypto for SDES-SRTP) */
  readonly add?: readonly SdpAttribute[];
  /** the direction we state (an answer built from the offer itself states the answerer's) */
  readonly direction?: MediaDirection;
  /** also take a WebRTC offer's audio line (UDP/TLS/RTP/SAVPF): its transport is the WebRTC endpoint's business */
  readonly acceptWebRtc?: boolean;
}

export interface ExtraCodec {
  readonly encoding: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly fmtp?: string;
  /** a static payload type (RFC 3551) to use, else a free dynamic one */
  readonly payloadType?: number;
}

/** where the sender wants its media: the engine's RemoteAddress */
export type AnchorRemote = RemoteAddress;

export type AnchorResult =
  | { ok: true; sdp: SessionDescription; remote: AnchorRemote | null; direction: MediaDirection; codecs: string[] }
  | { ok: false; error: 'no-audio' | 'no-common-codec' };

export const DEFAULT_CODECS: readonly string[] = ['PCMU', 'PCMA', 'telephone-event'];
/** what the media engine decodes and encodes (media/codecs) */
export const ENGINE_CODECS: readonly string[] = ['PCMU', 'PCMA', 'G722', 'opus', 'telephone-event'];

/** RFC 3551 §6 Table 4: the static audio payload types, usable without an rtpmap */
const STATIC_AUDIO: ReadonlyMap<number, SdpRtpMap> = new Map(
  (
    [
      [0, 'PCMU', 8000],
      [3, 'GSM', 8000],
      [4, 'G723', 8000],
      [5, 'DVI4', 8000],
      [6, 'DVI4', 16000],
      [7, 'LPC', 8000],
      [8, 'PCMA', 8000],
      [9, 'G722', 8000],
      [10, 'L16', 44100],
      [11, 'L16', 44100],
      [12, 'QCELP', 8000],
      [13, 'CN', 8000],
      [14, 'MPA', 90000],
      [15, 'G728', 8000],
      [16, 'DVI4', 11025],
      [17, 'DVI4', 22050],
      [18, 'G729', 8000],
    ] as const
  ).map(([pt, encoding, clockRate]) => [pt, { payloadType: pt, encoding, clockRate }]),
);

/** the relay runs G.711's 8000 Hz clock; these encodings only count at that rate */
const EIGHT_KHZ_ONLY = new Set(['pcmu', 'pcma', 'telephone-event']);
/** RFC 4733 events ride along a voice codec; alone they are not a usable audio stream */
const NOT_VOICE = new Set(['telephone-event', 'cn']);

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
/** the media-level attributes that survive anchoring; everything else describes the sender's own
 *  transport (ICE, DTLS, SDES crypto, SSRCs, rtcp-mux, BUNDLE mids) that we do not relay */
const KEPT_ATTRIBUTES = new Set(['ptime', 'maxptime', 'label']);
const AUDIO_PROTOS = new Set(['RTP/AVP', 'RTP/AVPF', 'RTP/SAVP', 'RTP/SAVPF']);
const WEBRTC_PROTOS = new Set(['UDP/TLS/RTP/SAVPF', 'UDP/TLS/RTP/SAVP']);

const isUnspecified = (address: string): boolean => address === '0.0.0.0' || address === '::';
const directionOf = (attributes: readonly SdpAttribute[]): MediaDirection | undefined =>
  attributes.find((a) => a.value === null && DIRECTIONS.has(a.name))?.name as MediaDirection | undefined;
const ptOf = (value: string | null): number => {
  const m = value === null ? null : /^([0-9]{1,3})(?: |$)/.exec(value);
  return m ? Number(m[1]) : -1;
};

export function anchorSdp(options: AnchorOptions): AnchorResult {
  const { sdp } = options;
  const audioIndex = sdp.media.findIndex((m) => m.type === 'audio' && (AUDIO_PROTOS.has(m.proto) || (options.acceptWebRtc === true && WEBRTC_PROTOS.has(m.proto))));
  const audio = sdp.media[audioIndex];
  if (audio === undefined) return { ok: false, error: 'no-audio' };

  const allowed = new Set((options.codecs ?? DEFAULT_CODECS).map((c) => c.toLowerCase()));
  const kept: SdpRtpMap[] = [];
  for (const format of audio.formats) {
    if (!/^[0-9]{1,3}$/.test(format)) continue;
    const pt = Number(format);
    // RFC 4566 §6: an rtpmap gives the encoding of a dynamic type and may restate a static one
    const map = audio.rtpmaps.find((r) => r.payloadType === pt) ?? STATIC_AUDIO.get(pt);
    if (map === undefined) continue;
    const name = map.encoding.toLowerCase();
    if (!allowed.has(name) || (EIGHT_KHZ_ONLY.has(name) && map.clockRate !== 8000 && !(name === 'telephone-event' && options.extra !== undefined))) continue;
    if (options.only !== undefined && !NOT_VOICE.has(name) && (name !== options.only.encoding.toLowerCase() || map.clockRate !== options.only.clockRate)) continue;
    if (!kept.some((k) => k.payloadType === pt)) kept.push(map);
  }
  const added: SdpAttribute[] = [];
  for (const extra of options.extra ?? []) {
    const name = extra.encoding.toLowerCase();
    if (kept.some((k) => k.encoding.toLowerCase() === name && k.clockRate === extra.clockRate)) continue;
    const used = new Set([...audio.formats.map(Number), ...kept.map((k) => k.payloadType)]);
    let pt = extra.payloadType ?? 96;
    while (extra.payloadType === undefined && used.has(pt) && pt < 127) pt++;
    if (used.has(pt)) continue;
    kept.push({ payloadType: pt, encoding: extra.encoding, clockRate: extra.clockRate, ...(extra.channels !== undefined ? { channels: extra.channels } : {}) });
    if (extra.payloadType === undefined || STATIC_AUDIO.get(pt)?.encoding !== extra.encoding) {
      added.push({ name: 'rtpmap', value: `${pt} ${extra.encoding}/${extra.clockRate}${extra.channels !== undefined ? `/${extra.channels}` : ''}` });
    }
    if (extra.fmtp !== undefined) added.push({ name: 'fmtp', value: `${pt} ${extra.fmtp}` });
  }
  if (!kept.some((k) => !NOT_VOICE.has(k.encoding.toLowerCase()))) return { ok: false, error: 'no-common-codec' };
  const keptPts = new Set(kept.map((k) => k.payloadType));

  const connection = audio.connection ?? sdp.connection;
  const held = connection !== undefined && isUnspecified(connection.address);
  // RFC 3264 §5.1: a media-level direction overrides the session-level one, sendrecv by default.
  // RFC 3264 §8.4: c=0.0.0.0 is the old way to hold; with no attribute it means no media at all.
  const stated = directionOf(audio.attributes) ?? directionOf(sdp.attributes);
  const senderDirection: MediaDirection = stated ?? (held ? 'inactive' : 'sendrecv');
  const direction = options.direction ?? senderDirection;

  // RFC 3605: a=rtcp names the RTCP port when it is not RTP + 1
  const rtcpAttr = audio.attributes.find((a) => a.name === 'rtcp');
  const rtcpPort = rtcpAttr ? Number(/^([0-9]{1,5})/.exec(rtcpAttr.value ?? '')?.[1] ?? NaN) : NaN;
  const remoteAddress = connection?.address ?? '';
  const remote =
    audio.port === 0 || held || net.isIP(remoteAddress) === 0
      ? null
      : { address: remoteAddress, rtpPort: audio.port, rtcpPort: rtcpPort > 0 && rtcpPort <= 65535 ? rtcpPort : audio.port + 1 };

  const ours: SdpConnection = { netType: 'IN', addrType: net.isIP(options.address) === 6 ? 'IP6' : 'IP4', address: options.address };
  const attributes: SdpAttribute[] = [];
  for (const a of audio.attributes) {
    if ((a.name === 'rtpmap' || a.name === 'fmtp') && keptPts.has(ptOf(a.value))) attributes.push(a);
    else if (KEPT_ATTRIBUTES.has(a.name)) attributes.push(a);
  }
  // the codecs we add for transcoding bring their own rtpmap/fmtp lines
  attributes.push(...added);
  for (const k of kept) {
    // a static type without an rtpmap line stays that way; a kept dynamic one always has its line
    if (!attributes.some((a) => a.name === 'rtpmap' && ptOf(a.value) === k.payloadType) && STATIC_AUDIO.get(k.payloadType) !== k) {
      attributes.push({ name: 'rtpmap', value: `${k.payloadType} ${k.encoding}/${k.clockRate}${k.channels !== undefined ? `/${k.channels}` : ''}` });
    }
  }
  if (rtcpAttr !== undefined && !WEBRTC_PROTOS.has(audio.proto)) attributes.push({ name: 'rtcp', value: String(options.rtcpPort) });
  attributes.push(...(options.add ?? []));
  if (stated !== undefined || held || options.direction !== undefined) attributes.push({ name: direction, value: null });

  const anchored: SdpMedia = {
    type: audio.type,
    port: audio.port === 0 ? 0 : options.rtpPort,
    proto: options.proto ?? (WEBRTC_PROTOS.has(audio.proto) ? 'RTP/AVP' : audio.proto),
    formats: kept.map((k) => String(k.payloadType)),
    ...(audio.connection !== undefined ? { connection: ours } : {}),
    bandwidths: audio.bandwidths,
    attributes,
    rtpmaps: kept.filter((k) => attributes.some((a) => a.name === 'rtpmap' && ptOf(a.value) === k.payloadType)).map((k) => rtpmapView(attributes, k)),
  };
  const media = sdp.media.map((m, i): SdpMedia => (i === audioIndex ? anchored : rejected(m, ours)));
  return {
    ok: true,
    sdp: {
      version: 0,
      origin: { username: '-', sessionId: options.origin.sessionId, sessionVersion: String(options.origin.version), netType: 'IN', addrType: ours.addrType, address: options.address },
      sessionName: '-',
      emails: [],
      phones: [],
      connection: ours,
      bandwidths: sdp.bandwidths,
      timing: [{ start: '0', stop: '0', repeats: [] }],
      attributes: [],
      media,
    },
    remote,
    direction: senderDirection,
    codecs: kept.map((k) => k.encoding),
  };
}

function rtpmapView(attributes: readonly SdpAttribute[], k: SdpRtpMap): SdpRtpMap {
  const a = attributes.find((x) => x.name === 'rtpmap' && ptOf(x.value) === k.payloadType);
  return (a && parseRtpMap(a.value ?? '')) ?? k;
}

/** RFC 3264 §6: "A stream is rejected ... by setting the port to zero"; its transport details go */
function rejected(m: SdpMedia, ours: SdpConnection): SdpMedia {
  return {
    type: m.type,
    port: 0,
    proto: m.proto,
    formats: m.formats,
    ...(m.connection !== undefined ? { connection: ours } : {}),
    bandwidths: [],
    attributes: [],
    rtpmaps: [],
  };
}
