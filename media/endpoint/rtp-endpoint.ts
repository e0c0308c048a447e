// One RTP endpoint inside a media worker: an RTP and an RTCP socket bound to a port pair, the
// latches that learn the phone's sources, and the counters. The relay path (#onRtp, #onRtcp)
// allocates nothing: counters are typed-array slots, the listeners are made once per socket, the
// received Buffer is sent on as it is (its header rewritten in place once a second source fed the
// phone: stream-continuity.ts, which reads the clock per sent packet).
// SRTP (werift) and decoding (MediaPort: rooms, transcoding, recording, DTMF) are the exceptions,
// paid only by the calls that use them.
import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { rtpPayloadOffset, readU32 } from '../rtp/rtp.js';
import { rtcpCheck, findReportBlock, blockCumulativeLost, blockFractionLost, blockJitter } from '../rtp/rtcp.js';
import type { EndpointStats, RemoteAddress } from '../types.js';
import { Latch, ACCEPT_LATCHED, DROP, LATCH_LOCKED } from './latch.js';
import { IdleWatch } from './idle-watch.js';
import { MediaPort, type PortSink } from '../session/port.js';
import { createSrtpContext, suiteKeyLengths, type SrtpContext } from '../srtp/index.js';
import { StreamContinuity } from './stream-continuity.js';
import type { SrtpKeys } from '../types.js';

// Slots of RelayEndpoint.counters.
const RX_PACKETS = 0;
const RX_BYTES = 1;
const TX_PACKETS = 2;
const TX_BYTES = 3;
const DROPPED = 4;
const RTCP_RX = 5;
const LOST = 6;
const FRACTION = 7;
const JITTER = 8;
const HAS_REPORT = 9;
/** SSRC of the last RTP packet sent towards this endpoint's phone, -1 before any */
const SENT_SSRC = 10;
const SRTP_FAILURES = 11;
const SLOTS = 12;

/** G.711 and telephone-event run an 8000 Hz RTP clock (RFC 3551 §4.5.14, RFC 4733 §2.1). */
const TIMESTAMP_UNITS_PER_MS = 8;

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
  readonly sink: RelayEndpointSink;
}

export type OpenEndpointResult = { ok: true; endpoint: RelayEndpoint } | { ok: false; code: string; detail: string };

// Every destination is an IP literal of the socket's family (SDP addresses are checked and mapped
// in setRemote, latched ones come from the socket itself), so dns.lookup and its next-tick
// deferral are skipped on every send.
const lookup4: NonNullable<dgram.SocketOptions['lookup']> = (hostname, _options, callback) => callback(null, hostname, 4);
const lookup6: NonNullable<dgram.SocketOptions['lookup']> = (hostname, _options, callback) => callback(null, hostname, 6);

function bind(socket: dgram.Socket, address: string, port: number): Promise<Error | null> {
  return new Promise((resolve) => {
    const onError = (err: Error): void => resolve(err);
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(null);
    });
  });
}

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
    rtp.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.#onRtp(msg, rinfo));
    rtcp.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.#onRtcp(msg, rinfo));
    // after binding a socket error (e.g. ENOBUFS) is reported, never fatal to the worker
    rtp.on('error', (err) => this.#sink.socketError(this, err));
    rtcp.on('error', (err) => this.#sink.socketError(this, err));
  }

  /** binds RTP on `rtpPort` and RTCP on the next port; fails with the errno code when either is taken */
  static async open(options: OpenEndpointOptions): Promise<OpenEndpointResult> {
    const v6 = net.isIP(options.bindAddress) === 6;
    const make = (): dgram.Socket =>
      dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: false, lookup: v6 ? lookup6 : lookup4 });
    const rtp = make();
    const rtpError = await bind(rtp, options.bindAddress, options.rtpPort);
    if (rtpError) {
      rtp.close();
      return { ok: false, code: errnoCode(rtpError), detail: rtpError.message };
    }
    const rtcp = make();
    const rtcpError = await bind(rtcp, options.bindAddress, options.rtpPort + 1);
    if (rtcpError) {
      rtp.close();
      rtcp.close();
      return { ok: false, code: errnoCode(rtcpError), detail: rtcpError.message };
    }
    return { ok: true, endpoint: new RelayEndpoint(options, rtp, rtcp, v6) };
  }

  /** new SDP for this endpoint's phone: where to send until latching learns better; restarts latching */
  setRemote(remote: RemoteAddress | null): void {
    const address = remote === null ? null : this.#socketAddress(remote.address);
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

  /** an IP literal as this socket family writes it (IPv4 on a dual-stack v6 socket is v4-mapped) */
  #socketAddress(address: string): string | null {
    const family = net.isIP(address);
    if (family === 0) return null;
    if (!this.#v6) return family === 4 ? address : null;
    return family === 4 ? `::ffff:${address}` : address;
  }

  /** SDES-SRTP (RFC 4568) towards this phone, or plain RTP */
  setSrtp(keys: SrtpKeys | null): boolean {
    if (keys === null) {
      this.#srtp = null;
      return true;
    }
    const lengths = suiteKeyLengths(keys.suite);
    const split = (base64: string): { key: Buffer; salt: Buffer } => {
      const raw = Buffer.from(base64, 'base64');
      return { key: raw.subarray(0, lengths.key), salt: raw.subarray(lengths.key, lengths.key + lengths.salt) };
    };
    const made = createSrtpContext({ suite: keys.suite, local: split(keys.localKey), remote: split(keys.remoteKey) });
    this.#srtp = made.ok ? made.value : null;
    return made.ok;
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
    const latch = this.rtpLatch;
    const verdict = latch.onPacket(rinfo.address, rinfo.port, latch.state === LATCH_LOCKED ? 0 : performance.now());
    if (verdict === DROP) {
      c[DROPPED]!++;
      return;
    }
    if (verdict === ACCEPT_LATCHED) this.#sink.latched(this);
    c[RX_PACKETS]!++;
    c[RX_BYTES]! += length;
    const payloadType = msg[1]! & 0x7f;
    if (payloadType === this.telephoneEvent) {
      this.onTelephoneEvent(msg, offset, payloadLength(msg, offset, length), readU32(msg, 4), (msg[1]! & 0x80) !== 0, performance.now());
    } else if (this.inbound !== null && payloadType === this.format!.payloadType) {
      this.inbound.push(msg, offset, payloadLength(msg, offset, length), readU32(msg, 8), msg.readUInt16BE(2), readU32(msg, 4), performance.now());
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
  }

  // SRTCP first (RFC 3711 §3.4: authenticated, so a forgery moves nothing), RFC 3550 Appendix A.2
  // validity; report blocks about the stream we send feed the loss figures.
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
    if (latch.onPacket(rinfo.address, rinfo.port, latch.state === LATCH_LOCKED ? 0 : performance.now()) === DROP) {
      c[DROPPED]!++;
      return;
    }
    c[RTCP_RX]!++;
    const block = findReportBlock(msg, length, c[SENT_SSRC]!);
    if (block >= 0) {
      c[LOST] = blockCumulativeLost(msg, block);
      c[FRACTION] = blockFractionLost(msg, block);
      c[JITTER] = blockJitter(msg, block) / TIMESTAMP_UNITS_PER_MS;
      c[HAS_REPORT] = 1;
    }
    // a room's streams are ours, not the peer's: its reports would describe packets the phone never got
    const peer = this.peer;
    if (!(peer instanceof RelayEndpoint) || this.mixed || peer.mixed) return;
    // relayed RTP keeps its SSRC and sequence numbers, so the reports stay true end to end; each leg
    // has its own SRTCP keys (RFC 4568 terminates per leg): decrypted above, re-protected for the peer
    const out = peer.#srtp === null ? msg : peer.#srtp.protectRtcp(msg);
    if (out === null) return;
    const to = peer.rtcpLatch;
    if (to.latched) peer.rtcp.send(out, to.port, to.address);
    else if (peer.sdpRtcpPort !== 0) peer.rtcp.send(out, peer.sdpRtcpPort, peer.sdpAddress);
  }

  stats(): EndpointStats {
    const c = this.counters;
    const report = c[HAS_REPORT] === 1;
    const rtp = this.rtpLatch;
    const rtcp = this.rtcpLatch;
    return {
      packetsReceived: c[RX_PACKETS]!,
      packetsSent: c[TX_PACKETS]!,
      bytesReceived: c[RX_BYTES]!,
      bytesSent: c[TX_BYTES]!,
      packetsDropped: c[DROPPED]!,
      rtcpReceived: c[RTCP_RX]!,
      packetsLost: report ? c[LOST]! : null,
      fractionLost: report ? c[FRACTION]! : null,
      jitterMs: report ? c[JITTER]! : null,
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

/** '::ffff:192.0.2.1' → '192.0.2.1': addresses are reported as the phone has them in its SDP */
export const unmapped = (address: string): string => (address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address);

/** RFC 3550 §5.1: the payload ends before the padding the P bit announces (its last octet counts it) */
const payloadLength = (msg: Buffer, offset: number, length: number): number => ((msg[0]! & 0x20) !== 0 ? length - offset - msg[length - 1]! : length - offset);

const errnoCode = (err: Error): string => (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
