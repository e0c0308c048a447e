// Our own SDP answer to a party whose endpoint Hailing anchors (RFC 3264 §6): the caller of a call
// answered here, or a bridged callee's re-offer. The answer names our endpoint's address and port,
// one codec from the offer (the one the endpoint already speaks when it is still offered, RFC 6337
// §5.3, else the offerer's first we decode) and the direction that mirrors the offer's (§6.1):
// sendonly → recvonly, recvonly → sendonly, inactive → inactive (hold, RFC 3264 §8.4). The
// endpoint then sends to the address the offer names; a held offer (c=0.0.0.0) stops it sending.
import { anchorSdp, audioFormats, ENGINE_CODECS, formatOf, parseSdp, serializeSdp } from '../../media/index.js';
import type { EndpointHandle, MediaFormat } from '../../media/index.js';
import type { Direction } from './call-media.js';

export type LocalAnswer =
  | { readonly ok: true; readonly body: Uint8Array; readonly format: MediaFormat; readonly offered: Direction }
  | { readonly ok: false; readonly error: 'bad-sdp' | 'no-audio' | 'no-common-codec' };

/** RFC 3264 §6.1: the answerer's direction for each direction offered */
const MIRROR: Record<Direction, Direction> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

/** the o= line of one party's SDP: its version goes up only when what we send changes (RFC 3264 §8) */
export class SdpOrigin {
  readonly sessionId: string;
  #version = 0;
  #last: string | undefined;

  /** `version`: the last one the party saw from this origin (a handed-over session goes on from it) */
  /** the version last written */
  get version(): number {
    return this.#version;
  }

  constructor(sessionId: string, version = 0) {
    this.sessionId = sessionId;
    this.#version = version;
  }

  /** the origin to write into an SDP whose body without the o= line is `key` */
  next(key: string): { readonly sessionId: string; readonly version: number } {
    if (key !== this.#last) this.#version += 1;
    this.#last = key;
    return { sessionId: this.sessionId, version: this.#version };
  }
}

const withoutOrigin = (sdp: string): string => sdp.replace(/^o=.*$/m, '');

/**
 * Answers `offer` for `endpoint` and points the endpoint at the offerer. Plain RTP only: an SDES
 * offer (RTP/SAVP) is refused rather than answered in the clear (a downgrade).
 */
export function answerHere(o: { readonly offer: Uint8Array; readonly endpoint: EndpointHandle; readonly address: string; readonly origin: SdpOrigin; readonly current?: MediaFormat | undefined }): LocalAnswer {
  const parsed = parseSdp(o.offer);
  if (!parsed.ok) return { ok: false, error: 'bad-sdp' };
  const formats = audioFormats(parsed.value);
  if (formats === null) return { ok: false, error: 'no-audio' };
  if (formats.proto !== 'RTP/AVP' && formats.proto !== 'RTP/AVPF') return { ok: false, error: 'no-common-codec' };
  const current = o.current;
  const chosen = (current && formats.voice.find((c) => c.codec === current.codec && c.clockRate === current.clockRate)) ?? formats.voice[0];
  if (chosen === undefined) return { ok: false, error: 'no-common-codec' };
  // the offer's own direction first, to mirror it
  const probe = anchorSdp({ sdp: parsed.value, address: o.address, rtpPort: 0, rtcpPort: 0, origin: { sessionId: '0', version: 0 }, codecs: ENGINE_CODECS });
  if (!probe.ok) return { ok: false, error: probe.error };
  const build = (version: { sessionId: string; version: number }) =>
    anchorSdp({
      sdp: parsed.value,
      address: o.address,
      rtpPort: o.endpoint.rtpPort,
      rtcpPort: o.endpoint.rtcpPort,
      origin: version,
      codecs: ENGINE_CODECS,
      only: { encoding: chosen.encoding, clockRate: chosen.clockRate },
      direction: MIRROR[probe.direction],
    });
  const draft = build({ sessionId: o.origin.sessionId, version: 0 });
  if (!draft.ok) return { ok: false, error: draft.error };
  const final = build(o.origin.next(withoutOrigin(serializeSdp(draft.sdp))));
  if (!final.ok) return { ok: false, error: final.error };
  o.endpoint.setRemote(final.remote);
  return { ok: true, body: new Uint8Array(Buffer.from(serializeSdp(final.sdp), 'utf8')), format: formatOf(formats, chosen), offered: probe.direction };
}

/**
 * RFC 3264 §4: the party's answer (in an ACK) to the offer our 2xx made; the endpoint sends where
 * it points. Nothing changes when it cannot be read (the session goes on as it was).
 */
export function acceptAnswerOn(endpoint: EndpointHandle, body: Uint8Array): void {
  const parsed = parseSdp(body);
  if (!parsed.ok || endpoint.kind !== 'rtp') return;
  const anchored = anchorSdp({ sdp: parsed.value, address: '0.0.0.0', rtpPort: 0, rtcpPort: 0, origin: { sessionId: '0', version: 0 }, codecs: ENGINE_CODECS });
  if (anchored.ok) endpoint.setRemote(anchored.remote);
}
