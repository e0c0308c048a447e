// WebRtcEndpoint: one browser agent's audio leg over werift (ICE, DTLS-SRTP, rtcp-mux, Opus).
// It runs inside a media worker: no timers, no main-thread state; the worker owns the clock and any
// connect timeout. Signalling is non-trickle, the way JsSIP/SIP carries SDP: every SDP we produce
// holds all our candidates (we wait for werift's gathering to complete).
//
//   new ──acceptOffer()/createOffer()+acceptAnswer()──▶ connecting ──DTLS up──▶ connected
//     connecting/connected ──a later offer either way (hold, resume)──▶ unchanged
//     connecting/connected ──ICE/DTLS failure (incl. wrong fingerprint)──▶ failed
//     any ──close()──▶ closed
import { RTCPeerConnection, RtpHeader, RtpPacket, type RTCRtpTransceiver, type MediaStreamTrack } from 'werift';
import type { MediaLogger } from '../types.js';
import { buildWeriftConfig, type WebRtcAddressOptions } from './werift-config.js';
import { candidatesOf, gatheringComplete } from './local-sdp.js';

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

  /**
   * An offer from the browser: the first one (JsSIP INVITE) or a later one (re-INVITE for hold or
   * resume, RFC 3264 §8). Returns our full answer, candidates inside. A later answer keeps our ICE
   * credentials and DTLS fingerprint; werift restarts ICE only when the browser's ufrag/pwd changed
   * (RFC 8839 §4.4.1.1.1), and its direction mirrors the offer's (RFC 3264 §6.1).
   */
  async acceptOffer(offerSdp: string): Promise<string> {
    // werift takes an SDP without media and answers it without candidates: refused before it is applied
    if (!/^m=audio /m.test(offerSdp)) throw new WebRtcError('bad-sdp', 'the offer has no audio m-line');
    const again = this.#begin();
    try {
      await this.#pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    } catch (err) {
      throw await this.#failNegotiation(err, again);
    }
    return this.#completeLocalSdp();
  }

  /**
   * Our full offer (candidates inside): a=setup:actpass when we call the browser (RFC 8842 §5.2),
   * or a later offer on the live session (the other party re-offered) with the same ICE and DTLS.
   */
  async createOffer(): Promise<string> {
    const again = this.#begin();
    try {
      await this.#pc.setLocalDescription(await this.#pc.createOffer());
    } catch (err) {
      throw await this.#failNegotiation(err, again);
    }
    return this.#completeLocalSdp();
  }

  async acceptAnswer(answerSdp: string): Promise<void> {
    if (this.#state !== 'connecting' && this.#state !== 'connected') this.#requireState('connecting');
    const again = this.#state === 'connected';
    try {
      await this.#pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    } catch (err) {
      throw await this.#failNegotiation(err, again);
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

  /** Starts an offer/answer exchange; true when it is a later one on a negotiated endpoint. */
  #begin(): boolean {
    if (this.#state === 'new') {
      this.#state = 'connecting';
      return false;
    }
    if (this.#state !== 'connecting' && this.#state !== 'connected') this.#requireState('connected');
    return true;
  }

  /**
   * A first exchange that fails leaves nothing to keep: the endpoint fails. A later one is rolled
   * back (RFC 8829 §4.1.8.2) so the running session goes on and only the re-offer is refused.
   */
  async #failNegotiation(err: unknown, again: boolean): Promise<WebRtcError> {
    if (!again) this.#setState('failed');
    else await this.#pc.setLocalDescription({ type: 'rollback', sdp: '' }).catch(noop);
    return new WebRtcError('bad-sdp', `werift rejected the SDP: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** The SDP werift made, once every candidate is in it (no trickle). */
  async #completeLocalSdp(): Promise<string> {
    await gatheringComplete(this.#pc);
    const sdp = this.#pc.localDescription?.sdp ?? '';
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
