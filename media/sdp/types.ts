// The typed model of an SDP session description (RFC 4566 §5; RFC 8866 keeps the same grammar).
// Control-plane data: parsed once per offer or answer, never on the packet path.

export interface SdpOrigin {
  readonly username: string;
  /** numeric strings in the grammar, kept as text: they may exceed 2^53 */
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

export interface SdpConnection {
  readonly netType: string;
  readonly addrType: string;
  /** the address without the multicast /ttl and /count suffixes */
  readonly address: string;
  /** RFC 4566 §5.7: IPv4 multicast TTL */
  readonly ttl?: number;
  /** RFC 4566 §5.7: number of multicast addresses */
  readonly count?: number;
}

export interface SdpBandwidth {
  readonly type: string;
  readonly value: number;
}

export interface SdpTiming {
  readonly start: string;
  readonly stop: string;
  /** r= lines, verbatim */
  readonly repeats: readonly string[];
}

export interface SdpAttribute {
  readonly name: string;
  /** null for a property attribute (`a=sendrecv`), the text after the first ':' otherwise */
  readonly value: string | null;
}

/** RFC 4566 §6 a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] */
export interface SdpRtpMap {
  readonly payloadType: number;
  readonly encoding: string;
  readonly clockRate: number;
  readonly channels?: number;
}

export interface SdpMedia {
  readonly type: string;
  readonly port: number;
  /** RFC 4566 §5.14 m=<media> <port>/<number of ports> */
  readonly portCount?: number;
  readonly proto: string;
  readonly formats: readonly string[];
  readonly information?: string;
  /** the first c= of the media section (a second one only matters for layered multicast) */
  readonly connection?: SdpConnection;
  readonly bandwidths: readonly SdpBandwidth[];
  readonly key?: string;
  readonly attributes: readonly SdpAttribute[];
  /** a view of the a=rtpmap attributes, parsed; serializeSdp writes `attributes`, not this */
  readonly rtpmaps: readonly SdpRtpMap[];
}

export interface SessionDescription {
  readonly version: number;
  readonly origin: SdpOrigin;
  readonly sessionName: string;
  readonly information?: string;
  readonly uri?: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly connection?: SdpConnection;
  readonly bandwidths: readonly SdpBandwidth[];
  readonly timing: readonly SdpTiming[];
  readonly timeZones?: string;
  readonly key?: string;
  readonly attributes: readonly SdpAttribute[];
  readonly media: readonly SdpMedia[];
}

export type SdpErrorCode =
  | 'empty'
  | 'too-large'
  | 'bad-line'
  | 'unknown-type'
  | 'misplaced-line'
  | 'bad-version'
  | 'bad-origin'
  | 'missing-origin'
  | 'missing-session-name'
  | 'bad-connection'
  | 'bad-bandwidth'
  | 'bad-timing'
  | 'bad-media'
  | 'bad-attribute';

export interface SdpError {
  readonly code: SdpErrorCode;
  readonly detail: string;
}

export type SdpParseResult = { ok: true; value: SessionDescription } | { ok: false; error: SdpError };
