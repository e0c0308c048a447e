// A browser agent's media inside a worker: werift's WebRTC endpoint (ICE, DTLS-SRTP, rtcp-mux)
// as a MediaPort. It always decodes (alwaysDecode): what the browser sends is Opus that the room
// or transcoder turns into the other party's codec, and what it hears is encoded for it. werift
// opens its sockets on the port pair the engine's pool gave this endpoint.
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { MediaPort, type PortSink } from '../session/port.js';
import { IdleWatch } from '../endpoint/idle-watch.js';
import { StreamContinuity } from '../endpoint/stream-continuity.js';
import { WebRtcEndpoint, type WebRtcRtpIn } from '../webrtc/index.js';
import type { EndpointStats, MediaLogger } from '../types.js';
import type { WebRtcOp } from './protocol.js';

/** how long ICE and DTLS may take before the browser's media is given up */
const CONNECT_TIMEOUT_MS = 15_000;

export class WebRtcPort extends MediaPort {
  override readonly alwaysDecode = true;
  readonly idle: IdleWatch;
  readonly #endpoint: WebRtcEndpoint;
  readonly #continuity = new StreamContinuity();
  #packetsReceived = 0;
  #connectTimer: NodeJS.Timeout | undefined;

  private constructor(id: string, group: string, sink: PortSink, endpoint: WebRtcEndpoint, mediaTimeoutMs: number) {
    super(id, group, sink);
    this.idle = new IdleWatch(mediaTimeoutMs);
    this.#endpoint = endpoint;
    endpoint.onRtp((p) => this.#onRtp(p));
  }

  static async open(options: {
    readonly id: string;
    readonly group: string;
    readonly sink: PortSink;
    readonly bindAddress: string;
    readonly publicAddress?: string;
    readonly rtpPort: number;
    readonly mediaTimeoutMs: number;
    readonly logger: MediaLogger;
    readonly onFailed: (port: WebRtcPort) => void;
  }): Promise<WebRtcPort> {
    await probePair(options.bindAddress, options.rtpPort);
    const endpoint = await WebRtcEndpoint.create({
      bindAddress: options.bindAddress,
      ...(options.publicAddress !== undefined ? { publicAddress: options.publicAddress } : {}),
      portMin: options.rtpPort,
      portMax: options.rtpPort + 1,
      logger: options.logger,
    });
    const port = new WebRtcPort(options.id, options.group, options.sink, endpoint, options.mediaTimeoutMs);
    endpoint.onState((state) => {
      if (state === 'connected') clearTimeout(port.#connectTimer);
      if (state === 'failed') options.onFailed(port);
    });
    port.#connectTimer = setTimeout(() => options.onFailed(port), CONNECT_TIMEOUT_MS);
    port.#connectTimer.unref();
    return port;
  }

  get packetsReceived(): number {
    return this.#packetsReceived;
  }

  negotiate(op: WebRtcOp): Promise<string> {
    switch (op.op) {
      case 'accept-offer':
        return this.#endpoint.acceptOffer(op.sdp);
      case 'create-offer':
        return this.#endpoint.createOffer();
      case 'accept-answer':
        return this.#endpoint.acceptAnswer(op.sdp).then(() => '');
    }
  }

  #onRtp(p: WebRtcRtpIn): void {
    this.#packetsReceived++;
    const now = performance.now();
    if (p.payloadType === this.telephoneEvent) {
      this.onTelephoneEvent(p.payload, 0, p.payload.length, p.timestamp, p.marker, now);
    } else if (this.inbound !== null && p.payloadType === this.format?.payloadType) {
      this.inbound.push(p.payload, 0, p.payload.length, p.ssrc, p.sequenceNumber, p.timestamp, now);
    }
  }

  /** ICE finds the browser; an SDP address means nothing here */
  setRemote(): void {}

  /** DTLS-SRTP keys come from the handshake, never from SDES */
  setSrtp(): boolean {
    return false;
  }


  /**
   * A packet the outbound stream built (RTP header + payload): werift protects and sends it under
   * its one SSRC. Every format change (a re-INVITE's answer) builds a new outbound stream with
   * random sequence and timestamp (RFC 3550 §5.1); under one SSRC a jump of more than 2^15 makes
   * the browser's SRTP guess the wrong rollover counter (RFC 3711 §3.3.1) and drop every packet
   * after it, so the numbers are kept continuous, as for RTP phones (stream-continuity.ts).
   */
  transmit(packet: Buffer, length: number): void {
    if (length < 12) return;
    this.#continuity.apply(packet, performance.now(), this.format?.clockRate ?? 48000);
    this.#endpoint.sendRtp({
      payloadType: packet[1]! & 0x7f,
      marker: (packet[1]! & 0x80) !== 0,
      sequenceNumber: packet.readUInt16BE(2),
      timestamp: packet.readUInt32BE(4),
      payload: Buffer.from(packet.subarray(12, length)),
    });
  }

  stats(): EndpointStats {
    const s = this.#endpoint.stats();
    return {
      packetsReceived: s.packetsReceived,
      packetsSent: s.packetsSent,
      bytesReceived: s.bytesReceived,
      bytesSent: s.bytesSent,
      packetsDropped: s.packetsNotSent,
      rtcpReceived: 0,
      packetsLost: null,
      fractionLost: null,
      jitterMs: null,
      latched: null,
      codec: this.format?.codec ?? null,
      transcoding: this.mixed,
    };
  }

  close(): void {
    clearTimeout(this.#connectTimer);
    if (this.peer !== null && this.peer.peer === this) this.peer.peer = null;
    this.peer = null;
    this.closePort();
    void this.#endpoint.close();
  }
}

/** A bind failure with the errno code (EADDRINUSE, EACCES) the engine reads to skip a port pair. */
export class PortPairBusy extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PortPairBusy';
  }
}

/**
 * werift binds its sockets only when it gathers candidates (at the first SDP), and a bind failure
 * there is swallowed into an SDP without candidates. The pair is checked here instead, when the
 * endpoint is created, so a pair another process holds (a second Hailing, a phone's RTP) fails as
 * EADDRINUSE and the engine moves on to the next pair, as it does for RTP endpoints. werift's own
 * findPort probes the same way (bind, close, bind again) with the pool keeping the pair ours.
 */
function probePair(address: string, rtpPort: number): Promise<void> {
  const type = isIP(address) === 6 ? 'udp6' : 'udp4';
  const probe = (port: number) =>
    new Promise<string | null>((resolve) => {
      const socket = createSocket(type);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.close();
        resolve(err.code ?? 'EWEBRTC');
      });
      socket.bind({ port, address, exclusive: true }, () => socket.close(() => resolve(null)));
    });
  return Promise.all([probe(rtpPort), probe(rtpPort + 1)]).then(([rtp, rtcp]) => {
    const code = rtp ?? rtcp;
    if (code !== null) throw new PortPairBusy(code, `cannot bind ${address}:${rtp !== null ? rtpPort : rtpPort + 1} (${code})`);
  });
}
