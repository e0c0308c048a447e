// One RTP endpoint inside a media worker: an RTP and an RTCP socket bound to a port pair, the
// latches that learn the phone's sources, and the counters. The relay path (#onRtp, #onRtcp)
// allocates nothing: counters are typed-array slots, the listeners are made once per socket, the
// received Buffer is sent on as it is (its header rewritten in place once a second source fed the
// phone: stream-continuity.ts). The clock is read once per packet each way (continuity, and the
// RFC 3550 reception statistics of rtcp-path.ts). SRTP (werift) and decoding (MediaPort: rooms,
// transcoding, recording, DTMF) are paid only by the calls that use them. RTCP: the phones' own
// is relayed in pass-through; an endpoint that decodes reports for itself (tickRtcp).
import type dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { rtpPayloadOffset, readU32 } from '../rtp/rtp.js';
import { rtcpCheck } from '../rtp/rtcp.js';
import type { EndpointStats, RemoteAddress, SrtpKeys } from '../types.js';
import { Latch, ACCEPT_LATCHED, DROP, LATCH_LOCKED } from './latch.js';
import { IdleWatch } from './idle-watch.js';
import { MediaPort, type PortSink } from '../session/port.js';
import type { SrtpContext } from '../srtp/index.js';
import { sdesContext } from './sdes-srtp.js';
import { StreamContinuity } from './stream-continuity.js';
import { RtcpPath } from './rtcp-path.js';
import { openSocketPair, socketAddress, unmapped } from './sockets.js';

export { unmapped };

// Slots of RelayEndpoint.counters.
const RX_PACKETS = 0;
const RX_BYTES = 1;
const TX_PACKETS = 2;
const TX_BYTES = 3;
const DROPPED = 4;
const RTCP_RX = 5;
/** payload octets sent (RFC 3550 §6.4.1 sender's octet count: no headers, no padding) */
const TX_OCTETS = 6;
/** SSRC of the last RTP packet sent towards this endpoint's phone, -1 before any */
const SENT_SSRC = 7;
const SRTP_FAILURES = 8;
/** RTP and RTCP from a source signalling did not name, or not the latched one (also in DROPPED) */
const FOREIGN = 9;
const SLOTS = 10;

/** What an endpoint tells its worker; one object per worker, so no closure per packet. */
export interface RelayEndpointSink extends PortSink {
  latched(endpoint: RelayEndpoint): void;
  socketError(endpoint: RelayEndpoint, err: Error): void;
}

export interface OpenEndpointOptions {
  readonly id: string;
  readonly group: string;
  readonly bindAddress: string;
  readonly rtpPort: number;
  readonly latchWindowMs: number;
  readonly mediaTimeoutMs: number;
  /** the addresses the leg's SIP came from: with the SDP's c= the only sources latched (latch.ts) */
  readonly sources?: readonly string[];
  readonly sink: RelayEndpointSink;
  /** Unix ms for RTCP's NTP timestamps; Date.now by default */
  readonly wallClock?: () => number;
}

export type OpenEndpointResult = { ok: true; endpoint: RelayEndpoint } | { ok: false; code: string; detail: string };

export class RelayEndpoint extends MediaPort {
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtp: dgram.Socket;
  readonly rtcp: dgram.Socket;
  readonly rtpLatch: Latch;
  readonly rtcpLatch: Latch;
  readonly idle: IdleWatch;
  readonly counters = new Float64Array(SLOTS);

  // Where the SDP said this endpoint's phone wants its RTP and RTCP; port 0 = unknown.
  sdpAddress = '';
  sdpRtpPort = 0;
  sdpRtcpPort = 0;
  readonly #v6: boolean;
  readonly #sink: RelayEndpointSink;
  #srtp: SrtpContext | null = null;
  #closed = false;
  readonly #continuity = new StreamContinuity();
  readonly #rtcpPath: RtcpPath;

  private constructor(options: OpenEndpointOptions, rtp: dgram.Socket, rtcp: dgram.Socket, v6: boolean) {
    super(options.id, options.group, options.sink);
    this.rtpPort = options.rtpPort;
    this.rtcpPort = options.rtpPort + 1;
    this.rtp = rtp;
    this.rtcp = rtcp;
    this.#v6 = v6;
    this.#sink = options.sink;
    this.rtpLatch = new Latch(options.latchWindowMs);
    this.rtcpLatch = new Latch(options.latchWindowMs);
    this.idle = new IdleWatch(options.mediaTimeoutMs);
    this.counters[SENT_SSRC] = -1;
    if (options.sources !== undefined) this.trust(options.sources);
    this.#rtcpPath = new RtcpPath({ wallClock: options.wallClock ?? Date.now, random: Math.random });
    rtp.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.#onRtp(msg, rinfo));
    rtcp.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.#onRtcp(msg, rinfo));
    // after binding a socket error (e.g. ENOBUFS) is reported, never fatal to the worker
    rtp.on('error', (err) => this.#sink.socketError(this, err));
    rtcp.on('error', (err) => this.#sink.socketError(this, err));
  }

  /** binds RTP on `rtpPort` and RTCP on the next port; fails with the errno code when either is taken */
  static async open(options: OpenEndpointOptions): Promise<OpenEndpointResult> {
    const pair = await openSocketPair(options);
    if (!pair.ok) return pair;
    return { ok: true, endpoint: new RelayEndpoint(options, pair.rtp, pair.rtcp, pair.v6) };
  }

  /** new SDP for this endpoint's phone: where to send until latching learns better; restarts latching */
  setRemote(remote: RemoteAddress | null): void {
    const address = remote === null ? null : socketAddress(remote.address, this.#v6);
    if (remote === null || address === null || remote.rtpPort <= 0) {
      this.sdpAddress = '';
      this.sdpRtpPort = 0;
      this.sdpRtcpPort = 0;
    } else {
      this.sdpAddress = address;
      this.sdpRtpPort = remote.rtpPort;
      this.sdpRtcpPort = remote.rtcpPort ?? remote.rtpPort + 1;
    }
    this.rtpLatch.reset(this.sdpRtpPort === 0 ? null : this.sdpAddress, this.sdpRtpPort);
    this.rtcpLatch.reset(this.sdpRtcpPort === 0 ? null : this.sdpAddress, this.sdpRtcpPort);
  }

  /** where signalling says the phone is (its SIP's source addresses); restarts latching */
  trust(sources: readonly string[]): void {
    const mapped: string[] = [];
    for (const source of sources) {
      const address = socketAddress(source, this.#v6);
      if (address !== null) mapped.push(address);
    }
    this.rtpLatch.trust(mapped);
    this.rtcpLatch.trust(mapped);
  }

  /** SDES-SRTP (RFC 4568) towards this phone, or plain RTP */
  setSrtp(keys: SrtpKeys | null): boolean {
    this.#srtp = keys === null ? null : sdesContext(keys);
    return keys === null || this.#srtp !== null;
  }

  // SRTP first (a forged packet must not move the latch), RFC 3550 §5.1 validity, the latch
  // (symmetric RTP, RFC 4961), then out of the peer's socket, or into the decoder.
  #onRtp(received: Buffer, rinfo: dgram.RemoteInfo): void {
    const c = this.counters;
    let msg = received;
    if (this.#srtp !== null) {
      const plain = this.#srtp.unprotectRtp(received);
      if (plain === null) {
        c[SRTP_FAILURES]!++;
        c[DROPPED]!++;
        return;
      }
      msg = plain;
    }
    const length = msg.length;
    const offset = rtpPayloadOffset(msg, length);
    if (offset < 0) {
      c[DROPPED]!++;
      return;
    }
    // one clock read per packet: the latch while learning, RFC 3550 A.8 jitter, the jitter buffer
    const now = performance.now();
    const latch = this.rtpLatch;
    const verdict = latch.onPacket(rinfo.address, rinfo.port, latch.state === LATCH_LOCKED ? 0 : now);
    if (verdict === DROP) {
      c[FOREIGN]!++;
      c[DROPPED]!++;
      return;
    }
    if (verdict === ACCEPT_LATCHED) this.#sink.latched(this);
    c[RX_PACKETS]!++;
    c[RX_BYTES]! += length;
    const payloadType = msg[1]! & 0x7f;
    const event = payloadType === this.telephoneEvent;
    // RFC 3550 A.1/A.3/A.8 for our reports and this leg's figures: arithmetic, no allocation
    this.#rtcpPath.onRtp(readU32(msg, 8), msg.readUInt16BE(2), readU32(msg, 4), this.format?.clockRate ?? 8000, event, now);
    if (event) {
      this.onTelephoneEvent(msg, offset, payloadLength(msg, offset, length), readU32(msg, 4), (msg[1]! & 0x80) !== 0, now);
    } else if (this.inbound !== null && payloadType === this.format!.payloadType) {
      this.inbound.push(msg, offset, payloadLength(msg, offset, length), readU32(msg, 8), msg.readUInt16BE(2), readU32(msg, 4), now);
    }
    if (this.mixed) return; // a room originates what the peer hears
    const peer = this.peer;
    if (peer !== null) peer.relayRtp(msg);
  }

  /** pass-through from the peer's phone, unless originated audio (playback, a room) replaces it */
  override relayRtp(msg: Buffer): void {
    if (this.mixed || this.playback !== null) return;
    if (this.relayPayloadType >= 0 && (msg[1]! & 0x7f) !== this.telephoneEvent) msg[1] = (msg[1]! & 0x80) | this.relayPayloadType;
    this.transmit(msg, msg.length);
  }

  /** to the phone: where latching found it, else where its SDP said; SRTP-protected when set */
  transmit(packet: Buffer, length: number): void {
    // one stream whatever feeds it (stream-continuity.ts); callers hand over whole RTP packets
    if (length >= 12) {
      this.#continuity.apply(packet, performance.now(), this.format?.clockRate ?? 8000);
      this.counters[SENT_SSRC] = this.#continuity.ssrc;
    }
    let out: Buffer | null = length === packet.length ? packet : packet.subarray(0, length);
    if (this.#srtp !== null) out = this.#srtp.protectRtp(out);
    if (out === null) return;
    const to = this.rtpLatch;
    if (to.latched) this.rtp.send(out, to.port, to.address);
    else if (this.sdpRtpPort !== 0) this.rtp.send(out, this.sdpRtpPort, this.sdpAddress);
    else return;
    const c = this.counters;
    c[TX_PACKETS]!++;
    c[TX_BYTES]! += length;
    const offset = rtpPayloadOffset(packet, length);
    if (offset > 0) c[TX_OCTETS]! += payloadLength(packet, offset, length);
  }

  // SRTCP first (RFC 3711 §3.4: authenticated, so a forgery moves nothing), RFC 3550 Appendix A.2
  // validity; the phone's reports feed this leg's figures (rtcp-path.ts), then go on to the peer
  // in pass-through.
  #onRtcp(received: Buffer, rinfo: dgram.RemoteInfo): void {
    const c = this.counters;
    let msg = received;
    if (this.#srtp !== null) {
      const plain = this.#srtp.unprotectRtcp(received);
      if (plain === null) {
        c[SRTP_FAILURES]!++;
        c[DROPPED]!++;
        return;
      }
      msg = plain;
    }
    const length = msg.length;
    if (rtcpCheck(msg, length) !== 0) {
      c[DROPPED]!++;
      return;
    }
    const latch = this.rtcpLatch;
    const now = performance.now();
    if (latch.onPacket(rinfo.address, rinfo.port, now) === DROP) {
      c[FOREIGN]!++;
      c[DROPPED]!++;
      return;
    }
    c[RTCP_RX]!++;
    this.#rtcpPath.onReport(msg, length, c[SENT_SSRC]!, this.format?.clockRate ?? 8000, now);
    // relayed RTP keeps its SSRC and sequence numbers, so the reports stay true end to end
    if (this.#relaysRtcp()) (this.peer as RelayEndpoint).#forwardRtcp(msg, now);
  }

  /**
   * Pass-through of RTCP between two phones. A room's streams are ours, not the peer's: while
   * either side is mixed (rooms, transcoding) its reports would describe packets the other phone
   * never got, so each endpoint reports for itself instead (tickRtcp).
   */
  #relaysRtcp(): boolean {
    const peer = this.peer;
    return peer instanceof RelayEndpoint && !this.mixed && !peer.mixed;
  }

  /** the peer phone's compound on its way to ours: its SR gives this leg's round trip when answered */
  #forwardRtcp(msg: Buffer, nowMs: number): void {
    this.#rtcpPath.onForwarded(msg, msg.length, nowMs);
    this.#sendRtcp(msg);
  }

  /** to the phone's RTCP address (latched, else from SDP); each leg has its own SRTCP keys (RFC 4568) */
  #sendRtcp(plain: Buffer): void {
    const out = this.#srtp === null ? plain : this.#srtp.protectRtcp(plain);
    if (out === null) return;
    const to = this.rtcpLatch;
    if (to.latched) this.rtcp.send(out, to.port, to.address);
    else if (this.sdpRtcpPort !== 0) this.rtcp.send(out, this.sdpRtcpPort, this.sdpAddress);
  }

  /**
   * The worker's tick (every few hundred ms): an endpoint that decodes sends its own compound
   * reports (RFC 3550 §6.1, §6.2) once RTP has moved either way; one that relays sends none.
   */
  override tickRtcp(nowMs: number): void {
    const path = this.#rtcpPath;
    const c = this.counters;
    if (this.#closed || this.#relaysRtcp() || c[TX_PACKETS]! + c[RX_PACKETS]! === 0) {
      path.stopReports();
      return;
    }
    if (!path.due(nowMs)) return;
    // the tick's time may be a catch-up frame's: the SR's timestamps and send time are read now
    const sentAt = performance.now();
    const ssrc = c[SENT_SSRC]!;
    const rtpTimestamp = ssrc < 0 ? 0 : this.#continuity.timestampAt(sentAt, this.format?.clockRate ?? 8000);
    const report = path.compose({ ssrc, packets: c[TX_PACKETS]!, octets: c[TX_OCTETS]!, rtpTimestamp }, sentAt);
    if (report !== null) this.#sendRtcp(report);
  }

  stats(): EndpointStats {
    const c = this.counters;
    const rtp = this.rtpLatch;
    const rtcp = this.rtcpLatch;
    return {
      packetsReceived: c[RX_PACKETS]!,
      packetsSent: c[TX_PACKETS]!,
      bytesReceived: c[RX_BYTES]!,
      bytesSent: c[TX_BYTES]!,
      packetsDropped: c[DROPPED]!,
      packetsForeign: c[FOREIGN]!,
      rtcpReceived: c[RTCP_RX]!,
      ...this.#rtcpPath.figures(),
      latched: rtp.latched
        ? { address: unmapped(rtp.address), rtpPort: rtp.port, ...(rtcp.latched ? { rtcpPort: rtcp.port } : {}) }
        : null,
      srtpFailures: c[SRTP_FAILURES]!,
      codec: this.format?.codec ?? null,
      transcoding: this.mixed,
    };
  }

  get packetsReceived(): number {
    return this.counters[RX_PACKETS]!;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.peer !== null && this.peer.peer === this) this.peer.peer = null;
    this.peer = null;
    this.closePort();
    this.rtp.close();
    this.rtcp.close();
  }
}

/** RFC 3550 §5.1: the payload ends before the padding the P bit announces (its last octet counts it) */
const payloadLength = (msg: Buffer, offset: number, length: number): number => ((msg[0]! & 0x20) !== 0 ? length - offset - msg[length - 1]! : length - offset);
