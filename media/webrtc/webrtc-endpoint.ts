// WebRtcEndpoint: one browser agent's audio leg over werift (ICE, DTLS-SRTP, rtcp-mux, Opus).
// It runs inside a media worker: no timers, no main-thread state; the worker owns the clock and any
// connect timeout. Signalling is non-trickle, the way JsSIP/SIP carries SDP: every SDP we produce
// holds all our candidates (we wait for werift's gathering to complete).
//
//   new ──acceptOffer()/createOffer()+acceptAnswer()──▶ connecting ──DTLS up──▶ connected
//     connecting/connected ──ICE/DTLS failure (incl. wrong fingerprint)──▶ failed
//     any ──close()──▶ closed
import { RTCPeerConnection, RtpHeader, RtpPacket, type RTCRtpTransceiver, type MediaStreamTrack } from 'werift';
import type { MediaLogger } from '../types.js';
import { buildWeriftConfig, type WebRtcAddressOptions } from './werift-config.js';

export type WebRtcState = 'connected' | 'failed' | 'closed';

export interface WebRtcRtpIn {
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly ssrc: number;
  readonly payload: Buffer;
}

export interface WebRtcRtpOut {
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly payload: Buffer;
}

export interface WebRtcEndpointOptions extends WebRtcAddressOptions {
  readonly logger?: MediaLogger;
}

/** The payload types agreed in offer/answer (null before negotiation, or when the peer refused DTMF). */
export interface WebRtcCodecs {
  readonly opus: number | null;
  readonly telephoneEvent: number | null;
}

export interface WebRtcStats {
  readonly state: WebRtcState | 'new' | 'connecting';
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly packetsSent: number;
  readonly bytesSent: number;
  /** sendRtp calls refused: not connected yet, or a payload type that was not negotiated */
  readonly packetsNotSent: number;
  /** host candidates we advertised, "address:port" */
  readonly localCandidates: readonly string[];
}

export class WebRtcError extends Error {
  constructor(
    readonly code: 'bad-options' | 'bad-sdp' | 'no-candidates' | 'wrong-state' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'WebRtcError';
  }
}

const noop = (): void => {};

export class WebRtcEndpoint {
  readonly #pc: RTCPeerConnection;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #logger: MediaLogger | undefined;
  #state: WebRtcStats['state'] = 'new';
  #onRtp: (packet: WebRtcRtpIn) => void = noop;
  #onState: (state: WebRtcState) => void = noop;
  #packetsReceived = 0;
  #bytesReceived = 0;
  #packetsSent = 0;
  #bytesSent = 0;
  #packetsNotSent = 0;
  #localCandidates: string[] = [];
  #closing: Promise<void> | null = null;

  private constructor(pc: RTCPeerConnection, logger: MediaLogger | undefined) {
    this.#pc = pc;
    this.#logger = logger;
    // Added before any remote offer so werift pairs it with the browser's audio m-line
    // (peerConnection.js matchTransceiverWithMedia: same kind, mid still null) and answers sendrecv.
    this.#transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.#transceiver.onTrack.subscribe((track) => this.#attachTrack(track));
    pc.connectionStateChange.subscribe((s) => this.#onConnectionState(s));
  }

  static async create(options: WebRtcEndpointOptions): Promise<WebRtcEndpoint> {
    const built = buildWeriftConfig(options);
    if (!built.ok) throw new WebRtcError('bad-options', built.error);
    // Async only for symmetry with close(); werift opens no socket until an SDP is produced.
    return new WebRtcEndpoint(new RTCPeerConnection(built.config), options.logger);
  }

  /** The browser called us (JsSIP INVITE with an offer): returns our full answer, candidates inside. */
  async acceptOffer(offerSdp: string): Promise<string> {
    this.#requireState('new');
    this.#state = 'connecting';
    try {
      await this.#pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const answer = await this.#pc.createAnswer();
      await this.#pc.setLocalDescription(answer);
    } catch (err) {
      throw this.#failNegotiation(err);
    }
    return this.#completeLocalSdp();
  }

  /** We call the browser: our full offer (candidates inside, a=setup:actpass). */
  async createOffer(): Promise<string> {
    this.#requireState('new');
    this.#state = 'connecting';
    try {
      await this.#pc.setLocalDescription(await this.#pc.createOffer());
    } catch (err) {
      throw this.#failNegotiation(err);
    }
    return this.#completeLocalSdp();
  }

  async acceptAnswer(answerSdp: string): Promise<void> {
    this.#requireState('connecting');
    try {
      await this.#pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    } catch (err) {
      throw this.#failNegotiation(err);
    }
  }

  /** One listener; a later call replaces it. Called for every decrypted RTP packet from the browser. */
  onRtp(listener: (packet: WebRtcRtpIn) => void): void {
    this.#onRtp = listener;
  }

  /** One listener; a later call replaces it. */
  onState(listener: (state: WebRtcState) => void): void {
    this.#onState = listener;
  }

  codecs(): WebRtcCodecs {
    let opus: number | null = null;
    let telephoneEvent: number | null = null;
    for (const c of this.#transceiver.codecs) {
      const mime = c.mimeType.toLowerCase();
      if (mime === 'audio/opus' && opus === null) opus = c.payloadType ?? null;
      if (mime === 'audio/telephone-event' && c.clockRate === 48000 && telephoneEvent === null) {
        telephoneEvent = c.payloadType ?? null;
      }
    }
    return { opus, telephoneEvent };
  }

  /**
   * Sends one RTP packet; werift sets our SSRC and encrypts (SRTP). Refused (counted in
   * packetsNotSent) before DTLS is up or for a payload type not negotiated.
   * Allocation: werift's send path takes RtpHeader/RtpPacket objects and allocates per packet
   * (serialisation, SRTP output, a Promise); there is no allocation-free entry point in werift.
   */
  sendRtp(packet: WebRtcRtpOut): void {
    if (this.#state !== 'connected') {
      this.#packetsNotSent++;
      return;
    }
    const sender = this.#transceiver.sender;
    const header = new RtpHeader({
      payloadType: packet.payloadType,
      sequenceNumber: packet.sequenceNumber,
      timestamp: packet.timestamp,
      marker: packet.marker,
      ssrc: sender.ssrc,
    });
    const codec = sender.codec;
    if (codec !== undefined && codec.payloadType === packet.payloadType) {
      // The sender keeps the counters its RTCP sender reports carry (RFC 3550 §6.4.1).
      sender.sendRtp(new RtpPacket(header, packet.payload)).catch(noop);
    } else if (this.#isNegotiated(packet.payloadType)) {
      // werift's sender.sendRtp() rewrites the payload type to its first codec, which would turn
      // RFC 4733 events into Opus: events go straight to the DTLS transport's SRTP session, same SSRC.
      sender.dtlsTransport.sendRtp(packet.payload, header).catch(noop);
    } else {
      this.#packetsNotSent++;
      return;
    }
    this.#packetsSent++;
    this.#bytesSent += packet.payload.length;
  }

  stats(): WebRtcStats {
    return {
      state: this.#state,
      packetsReceived: this.#packetsReceived,
      bytesReceived: this.#bytesReceived,
      packetsSent: this.#packetsSent,
      bytesSent: this.#bytesSent,
      packetsNotSent: this.#packetsNotSent,
      localCandidates: this.#localCandidates,
    };
  }

  /** Idempotent: closes werift's sockets and DTLS session; emits 'closed' once. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      try {
        await this.#pc.close();
      } catch (err) {
        this.#logger?.warn({ err: String(err) }, 'webrtc: werift close failed');
      }
      this.#setState('closed');
    })();
    return this.#closing;
  }

  #attachTrack(track: MediaStreamTrack): void {
    track.onReceiveRtp.subscribe((rtp) => {
      if (this.#state === 'closed') return;
      const h = rtp.header;
      this.#packetsReceived++;
      this.#bytesReceived += rtp.payload.length;
      try {
        this.#onRtp({
          payloadType: h.payloadType,
          sequenceNumber: h.sequenceNumber,
          timestamp: h.timestamp,
          marker: h.marker,
          ssrc: h.ssrc,
          payload: rtp.payload,
        });
      } catch (err) {
        this.#logger?.error({ err: String(err) }, 'webrtc: rtp listener threw');
      }
    });
  }

  #onConnectionState(s: string): void {
    this.#logger?.debug({ state: s }, 'webrtc: connection state');
    if (s === 'connected') this.#setState('connected');
    // 'disconnected' is left alone: ICE consent may recover; werift reports 'failed' when it does not.
    else if (s === 'failed') this.#setState('failed');
  }

  #setState(next: WebRtcState): void {
    if (this.#state === next || this.#state === 'closed') return;
    // A failed endpoint never becomes connected again (no ICE restart here).
    if (this.#state === 'failed' && next === 'connected') return;
    this.#state = next;
    try {
      this.#onState(next);
    } catch (err) {
      this.#logger?.error({ err: String(err) }, 'webrtc: state listener threw');
    }
  }

  #isNegotiated(pt: number): boolean {
    return this.#transceiver.codecs.some((c) => c.payloadType === pt);
  }

  #requireState(expected: WebRtcStats['state']): void {
    if (this.#state === 'closed') throw new WebRtcError('closed', 'endpoint is closed');
    if (this.#state !== expected) throw new WebRtcError('wrong-state', `in state ${this.#state}, expected ${expected}`);
  }

  #failNegotiation(err: unknown): WebRtcError {
    this.#setState('failed');
    return new WebRtcError('bad-sdp', `werift rejected the SDP: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Waits for werift's gathering to finish so the SDP carries every candidate (no trickle). */
  async #completeLocalSdp(): Promise<string> {
    const pc = this.#pc;
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const sub = pc.iceGatheringStateChange.subscribe((s) => {
          if (s === 'complete') {
            sub.unSubscribe();
            resolve();
          }
        });
        if (pc.iceGatheringState === 'complete') {
          sub.unSubscribe();
          resolve();
        }
      });
    }
    const sdp = pc.localDescription?.sdp ?? '';
    this.#localCandidates = candidatesOf(sdp);
    // werift logs and swallows bind failures (port range exhausted): an SDP without a candidate
    // would leave the browser with nowhere to send.
    if (this.#localCandidates.length === 0) {
      this.#setState('failed');
      throw new WebRtcError('no-candidates', 'werift gathered no candidate (ports exhausted or bind failed)');
    }
    return sdp;
  }
}

/** "address:port" of each a=candidate line (RFC 8839 §5.1: foundation component transport priority address port typ ...). */
export function candidatesOf(sdp: string): string[] {
  const out: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (!line.startsWith('a=candidate:')) continue;
    const f = line.split(' ');
    if (f.length >= 6 && f[4] !== undefined && f[5] !== undefined) out.push(`${f[4]}:${f[5]}`);
  }
  return out;
}
