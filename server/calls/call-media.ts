// A call's media: one endpoint facing each party (Hailing anchors all media) and the SDP between
// them (RFC 3264). An offer from one party is re-addressed to the endpoint facing the other, with
// every codec the engine can transcode to added; the answer tells both endpoints what their phones
// speak, and the engine relays when that is the same codec and transcodes when it is not.
// A WebRTC party (a browser over WSS) faces a WebRTC endpoint whose SDP (ICE, DTLS) the endpoint
// makes itself; SDES-SRTP parties get our own key in a=crypto (RFC 4568).
import { randomInt } from 'node:crypto';
import { anchorSdp, audioFormats, ENGINE_CODECS, formatOf, parseSdp, serializeSdp } from '../../media/index.js';
import type { AudioFormats, EndpointHandle, EndpointStats, MediaFormat, SessionDescription } from '../../media/index.js';
import { TRANSCODABLE, cryptoLine, isSecureProto, keyOf, newSdes, pickCrypto, type SdesLocal } from './negotiation.js';
import { answerHere, SdpOrigin } from './local-answer.js';

export type Side = 'caller' | 'callee';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type EndpointKind = 'rtp' | 'webrtc';

export type SdpRelay =
  | { readonly ok: true; readonly body: Uint8Array; readonly direction: Direction; readonly codec: string | null }
  | { readonly ok: false; readonly error: 'bad-sdp' | 'no-audio' | 'no-common-codec' };

const other = (side: Side): Side => (side === 'caller' ? 'callee' : 'caller');
const bytes = (sdp: SessionDescription | string): Uint8Array => new Uint8Array(Buffer.from(typeof sdp === 'string' ? sdp : serializeSdp(sdp), 'utf8'));

/**
 * The endpoint's offer with the other party's direction: werift's transceiver stays sendrecv and
 * reads the direction back from the browser's answer, so only the text sent needs it.
 */
/** the first direction attribute of an offer (session or media level); none means sendrecv */
export const offeredDirection = (body: Uint8Array): Direction => (/^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(Buffer.from(body).toString('utf8'))?.[1] as Direction | undefined) ?? 'sendrecv';
const withDirection = (sdp: string, direction: Direction): string => sdp.replace(/^a=(?:sendrecv|sendonly|recvonly|inactive)(?=\r?$)/m, `a=${direction}`);

/** A WebRTC offer: DTLS-SRTP over ICE (RFC 8827), which only a WebRTC endpoint can answer. */
export const isWebRtcOffer = (body: Uint8Array): boolean => /^m=audio [0-9]+ UDP\/TLS\/RTP\/SAVPF?/m.test(Buffer.from(body).toString('utf8'));

/** what a transfer takes over of a two-party call's caller side (CallMedia.handOverCaller, LocalMedia.adopt) */
export interface HandedOver {
  readonly endpoint: EndpointHandle;
  readonly address: string;
  readonly inbandDtmf: 'auto' | 'on' | 'off';
  readonly answer: Uint8Array | undefined;
  readonly format: MediaFormat | undefined;
  /** RFC 4566 §5.2: the caller's o= session id and the last version it was sent */
  readonly origin: { readonly sessionId: string; readonly version: number };
}

interface SideState {
  /** this party's last offer (to answer it ourselves when the other side picks a codec it lacks) */
  offer?: { sdp: SessionDescription; formats: AudioFormats };
  /** our SDES key towards this party, kept across re-offers */
  sdes?: SdesLocal;
  /** the WebRTC endpoint's answer to this party's offer */
  webrtcAnswer?: string;
  /** the WebRTC endpoint's own offer to this party (a browser we call) */
  webrtcOffer?: string;
}

export class CallMedia {
  readonly #endpoints: Record<Side, EndpointHandle>;
  readonly #address: string;
  /** RFC 4566 §5.2: one o= session id per leg, its version bumped for every changed SDP we send */
  readonly #origin: Record<Side, { sessionId: string; version: number }>;
  readonly #lastSent: Partial<Record<Side, Uint8Array>> = {};
  readonly #state: Record<Side, SideState> = { caller: {}, callee: {} };
  readonly #inband: 'auto' | 'on' | 'off';
  readonly #formats: Partial<Record<Side, MediaFormat>> = {};
  /**
   * A callee reached both as a browser (WebSocket) and as a phone: a WebRTC endpoint beside the
   * RTP one, whose offer goes to the browser forks; the first answer says which one stays.
   */
  #browserFork: { endpoint: EndpointHandle; offer?: Uint8Array } | undefined;
  #closed: Promise<Record<Side, EndpointStats>> | undefined;
  /** the caller's endpoint belongs to the Call (open({ anchor }), or handed over): close() leaves it open */
  #anchored: boolean;
  /** the o= of the answers a party's endpoint makes itself (answerReofferHere) */
  readonly #localOrigin: Partial<Record<Side, SdpOrigin>> = {};

  /** openCallMedia() (call-media-open.ts) makes the endpoints and connects them */
  constructor(o: { readonly endpoints: Record<Side, EndpointHandle>; readonly address: string; readonly inband: 'auto' | 'on' | 'off'; readonly browserFork?: EndpointHandle | undefined; readonly anchored: boolean }) {
    this.#endpoints = o.endpoints;
    if (o.browserFork) this.#browserFork = { endpoint: o.browserFork };
    this.#inband = o.inband;
    this.#address = o.address;
    this.#anchored = o.anchored;
    const origin = () => ({ sessionId: String(randomInt(1, 2 ** 47)), version: 1 });
    this.#origin = { caller: origin(), callee: origin() };
  }

  endpointId(side: Side): string {
    return this.#endpoints[side].id;
  }

  /** every endpoint this media holds (a browser fork's too, facing the callee), whose events are the call's */
  handles(): { readonly side: Side; readonly endpoint: EndpointHandle }[] {
    const fork = this.#browserFork ? [{ side: 'callee' as const, endpoint: this.#browserFork.endpoint }] : [];
    return [{ side: 'caller', endpoint: this.#endpoints.caller }, { side: 'callee', endpoint: this.#endpoints.callee }, ...fork];
  }

  endpoint(side: Side): EndpointHandle {
    return this.#endpoints[side];
  }

  /** A browser's offer: the WebRTC endpoint gathers ICE and makes its answer before the call is routed. */
  async prepareWebRtc(side: Side, offer: Uint8Array): Promise<void> {
    const answer = await this.#endpoints[side].negotiate({ op: 'accept-offer', sdp: Buffer.from(offer).toString('utf8') });
    this.#state[side].webrtcAnswer = answer;
  }

  /**
   * A browser we call: its WebRTC endpoint makes the offer (ICE candidates, DTLS fingerprint,
   * a=setup:actpass, RFC 8842 §5.2) before the INVITE goes out; relay() then sends that offer in
   * place of the anchored one, whatever the other party offered, and the engine transcodes.
   */
  async prepareWebRtcOffer(side: Side): Promise<void> {
    const endpoint = side === 'callee' && this.#browserFork ? this.#browserFork.endpoint : this.#endpoints[side];
    this.#state[side].webrtcOffer = await endpoint.negotiate({ op: 'create-offer' });
  }

  /** What the callee's browser forks are sent while its phone forks get relay()'s body (open({ browserFork })). */
  browserForkOffer(): Uint8Array | undefined {
    return this.#browserFork?.offer;
  }

  /**
   * The first answer from a callee with both kinds of forks decides its endpoint: a WebRTC answer
   * (RFC 8843 SAVPF over DTLS) keeps the WebRTC endpoint, anything else the RTP one; the other is closed.
   */
  #settleCallee(answer: Uint8Array): void {
    const fork = this.#browserFork;
    if (fork === undefined) return;
    this.#browserFork = undefined;
    if (isWebRtcOffer(answer)) {
      const rtp = this.#endpoints.callee;
      this.#endpoints.callee = fork.endpoint;
      this.#endpoints.caller.connect(fork.endpoint);
      void rtp.close();
    } else {
      delete this.#state.callee.webrtcOffer;
      void fork.endpoint.close();
    }
  }

  /**
   * RFC 3264 §8: a party's later offer (hold, resume) on an answered call. The WebRTC endpoints
   * renegotiate on their live sessions (same ICE credentials and DTLS fingerprint): a browser's
   * re-offer is answered by its own endpoint, and a browser on the other side is sent a fresh
   * offer from its endpoint. Rejects when werift refuses the SDP (the re-offer then gets 488).
   */
  async prepareReoffer(from: Side, body: Uint8Array): Promise<void> {
    const to = other(from);
    if (this.#endpoints[from].kind === 'webrtc') {
      await this.prepareWebRtc(from, body);
      delete this.#state[from].webrtcOffer;
    }
    if (this.#endpoints[to].kind === 'webrtc') {
      await this.prepareWebRtcOffer(to);
      delete this.#state[to].webrtcAnswer;
    }
  }

  /**
   * An SDP body from `from`, rewritten for the other party. `role` says whether it is an offer
   * (a new exchange) or the answer to the other party's last offer (RFC 3264 §4).
   */
  relay(from: Side, body: Uint8Array, role: 'offer' | 'answer'): SdpRelay {
    const parsed = parseSdp(body);
    if (!parsed.ok) return { ok: false, error: 'bad-sdp' };
    return role === 'offer' ? this.#offer(from, parsed.value) : this.#answer(from, parsed.value, body);
  }

  #offer(from: Side, sdp: SessionDescription): SdpRelay {
    const to = other(from);
    const formats = audioFormats(sdp);
    if (formats === null) return { ok: false, error: 'no-audio' };
    if (formats.voice.length === 0) return { ok: false, error: 'no-common-codec' };
    const webrtc = this.#endpoints[from].kind === 'webrtc';
    // RFC 4568: an SDES offer we cannot run is refused (488) rather than answered in the clear
    if (!webrtc && isSecureProto(formats.proto) && pickCrypto(formats.crypto) === null) return { ok: false, error: 'no-common-codec' };
    this.#state[from].offer = { sdp, formats };
    const toState = this.#state[to];
    // the browser gets DTLS-SRTP from its own endpoint's offer, never an SDES key
    const toWebRtc = this.#endpoints[to].kind === 'webrtc' && toState.webrtcOffer !== undefined;
    const secure = !webrtc && !toWebRtc && isSecureProto(formats.proto);
    if (secure) toState.sdes ??= newSdes();
    const anchored = anchorSdp({
      sdp,
      address: this.#address,
      rtpPort: this.#endpoints[to].rtpPort,
      rtcpPort: this.#endpoints[to].rtcpPort,
      origin: this.#nextOrigin(to),
      codecs: ENGINE_CODECS,
      extra: TRANSCODABLE,
      proto: secure ? 'RTP/SAVP' : 'RTP/AVP',
      add: secure ? [cryptoLine(toState.sdes!)] : [],
      acceptWebRtc: webrtc,
    });
    if (!anchored.ok) return { ok: false, error: anchored.error };
    if (!webrtc) this.#endpoints[from].setRemote(anchored.remote);
    // RFC 3264 §6.1: the browser is offered the direction the other party offered (sendonly for hold)
    if (toWebRtc) return this.#sent(to, bytes(withDirection(toState.webrtcOffer!, anchored.direction)), anchored.direction, 'opus');
    if (to === 'callee' && this.#browserFork && toState.webrtcOffer !== undefined) this.#browserFork.offer = bytes(withDirection(toState.webrtcOffer, anchored.direction));
    return this.#sent(to, bytes(anchored.sdp), anchored.direction, formats.voice[0]!.encoding);
  }

  /** `from` answered the offer the other party made (through us) */
  #answer(from: Side, sdp: SessionDescription, raw: Uint8Array): SdpRelay {
    const to = other(from);
    if (from === 'callee') this.#settleCallee(raw);
    const formats = audioFormats(sdp);
    const chosen = formats?.voice[0];
    const offer = this.#state[to].offer;
    if (formats === null || chosen === undefined || offer === undefined) return { ok: false, error: formats === null ? 'no-audio' : 'no-common-codec' };
    const facingFrom = this.#endpoints[from];
    const fromWebRtc = facingFrom.kind === 'webrtc' && this.#state[from].webrtcOffer !== undefined;
    const answered = anchorSdp({ sdp, address: this.#address, rtpPort: 0, rtcpPort: 0, origin: { sessionId: '0', version: 0 }, codecs: ENGINE_CODECS, acceptWebRtc: fromWebRtc });
    if (!answered.ok) return { ok: false, error: answered.error };
    if (fromWebRtc) {
      // RFC 8829 §5.3: the browser's answer completes the endpoint's ICE and DTLS; a failure there
      // shows up as the endpoint's connect timeout, which ends the call like lost media
      facingFrom.negotiate({ op: 'accept-answer', sdp: Buffer.from(raw).toString('utf8') }).catch(() => {});
    } else {
      facingFrom.setRemote(answered.remote);
    }
    this.#setFormat(from, formatOf(formats, chosen));
    const fromSdes = this.#state[from].sdes;
    if (fromSdes !== undefined) {
      // RFC 4568 §7.1.3: the answer's crypto line carries the answerer's key for our offered suite
      const theirs = pickCrypto(formats.crypto);
      facingFrom.setSrtp(theirs === null ? null : { suite: fromSdes.suite, localKey: fromSdes.key, remoteKey: keyOf(theirs) });
    }
    const facingTo = this.#endpoints[to];
    const toState = this.#state[to];
    if (facingTo.kind === 'webrtc' && toState.webrtcAnswer !== undefined) {
      const browser = parseSdp(bytes(toState.webrtcAnswer));
      const browserFormats = browser.ok ? audioFormats(browser.value) : null;
      const opus = browserFormats?.voice[0];
      if (browserFormats && opus) this.#setFormat(to, formatOf(browserFormats, opus));
      return this.#sent(to, bytes(toState.webrtcAnswer), answered.direction, opus?.encoding ?? null);
    }
    // pass-through when the offerer listed the codec the answerer chose, else answer with the offerer's
    // first; a browser's answer (ICE, DTLS) is never the base of what a plain RTP phone is sent
    const same = fromWebRtc ? undefined : offer.formats.voice.find((c) => c.codec === chosen.codec && c.clockRate === chosen.clockRate);
    const pick = same ?? offer.formats.voice[0]!;
    const secure = isSecureProto(offer.formats.proto);
    let add: { name: string; value: string }[] = [];
    if (secure) {
      const theirs = pickCrypto(offer.formats.crypto)!;
      toState.sdes = newSdes(theirs.tag, theirs.suite);
      facingTo.setSrtp({ suite: theirs.suite, localKey: toState.sdes.key, remoteKey: keyOf(theirs) });
      add = [cryptoLine(toState.sdes) as { name: string; value: string }];
    }
    const rebuilt = anchorSdp({
      sdp: same !== undefined ? sdp : offer.sdp,
      address: this.#address,
      rtpPort: facingTo.rtpPort,
      rtcpPort: facingTo.rtcpPort,
      origin: this.#nextOrigin(to),
      codecs: ENGINE_CODECS,
      only: { encoding: pick.encoding, clockRate: pick.clockRate },
      proto: offer.formats.proto === 'RTP/SAVPF' || offer.formats.proto === 'RTP/AVPF' ? offer.formats.proto : secure ? 'RTP/SAVP' : 'RTP/AVP',
      add,
      ...(same === undefined ? { direction: answered.direction } : {}),
    });
    if (!rebuilt.ok) return { ok: false, error: rebuilt.error };
    this.#setFormat(to, formatOf(offer.formats, pick));
    return this.#sent(to, bytes(rebuilt.sdp), answered.direction, chosen.encoding);
  }

  /** tells an endpoint its phone's format, and whether to listen for in-band DTMF in it */
  #setFormat(side: Side, format: MediaFormat): void {
    this.#formats[side] = format;
    const endpoint = this.#endpoints[side];
    endpoint.setFormat(format);
    endpoint.detectInbandDtmf(this.#inband === 'on' || (this.#inband === 'auto' && format.telephoneEvent === null));
  }

  #nextOrigin(to: Side): { sessionId: string; version: number } {
    const origin = this.#origin[to];
    const now = { sessionId: origin.sessionId, version: origin.version };
    origin.version += 1;
    return now;
  }

  #sent(to: Side, body: Uint8Array, direction: Direction, codec: string | null): SdpRelay {
    this.#lastSent[to] = body;
    return { ok: true, body, direction, codec };
  }

  /** The SDP last sent to a party, for an offerless re-INVITE answered locally (RFC 3264 §8). */
  lastSent(to: Side): Uint8Array | undefined {
    return this.#lastSent[to];
  }

  /**
   * A bridged callee's re-offer on a call answered here (open({ anchor })): the caller's endpoint
   * is Hailing's and keeps its SDP, so the callee's endpoint answers by itself (local-answer.ts),
   * keeping the codec it speaks when still offered, and follows the new address; its media
   * timeout is off while the callee holds (RFC 3264 §8.4). Plain RTP callees only.
   */
  async answerCalleeReoffer(offer: Uint8Array): Promise<SdpRelay> {
    if (!this.#anchored) return { ok: false, error: 'no-common-codec' };
    if (this.#endpoints.callee.kind !== 'webrtc') return this.answerReofferHere('callee', offer);
    // a browser agent's hold or resume: its WebRTC endpoint answers on the live session (same ICE
    // and DTLS, RFC 3264 §8); the media timeout is off while the browser holds
    await this.prepareWebRtc('callee', offer);
    const offered = offeredDirection(offer);
    this.#endpoints.callee.watchTimeout(offered === 'sendrecv');
    return this.#sent('callee', bytes(this.#state.callee.webrtcAnswer!), offered, 'opus');
  }

  /** a plain RTP party (no SDES key, no browser): its endpoint can answer its offers itself */
  canAnswerHere(side: Side): boolean {
    return this.#endpoints[side].kind === 'rtp' && this.#state[side].sdes === undefined && (side === 'caller' || this.#browserFork === undefined);
  }

  /**
   * `side`'s re-offer answered by its own endpoint (local-answer.ts), nothing relayed: a bridged
   * callee of a call answered here, or a party's hold and resume (the party it holds hears music
   * on hold and is not sent a re-INVITE, as a PBX does). The endpoint keeps the codec it speaks
   * when still offered (the engine transcodes otherwise) and follows a new address; its media
   * timeout is off while the party holds (RFC 3264 §8.4). The o= line goes on from the last
   * version this party was sent (RFC 4566 §5.2).
   */
  answerReofferHere(side: Side, offer: Uint8Array): SdpRelay {
    const endpoint = this.#endpoints[side];
    if (!this.canAnswerHere(side)) return { ok: false, error: 'no-common-codec' };
    const origin = this.#origin[side];
    const here = (this.#localOrigin[side] ??= new SdpOrigin(origin.sessionId, origin.version - 1));
    const answered = answerHere({ offer, endpoint, address: this.#address, origin: here, current: this.#formats[side] });
    if (!answered.ok) return answered;
    origin.version = here.version + 1;
    this.#setFormat(side, answered.format);
    endpoint.watchTimeout(answered.offered === 'sendrecv');
    return this.#sent(side, answered.body, answered.offered, answered.format.codec);
  }

  /**
   * A transfer keeps the caller and lets the callee go: the caller's endpoint becomes the Call's
   * (close() then leaves it open, as for a bridge from a call answered here), with the SDP we last
   * sent the caller and the format its phone speaks, so that it can answer the caller's later
   * offers itself (LocalMedia.adopt).
   */
  handOverCaller(): HandedOver {
    this.#anchored = true;
    const origin = this.#origin.caller;
    return { endpoint: this.#endpoints.caller, address: this.#address, inbandDtmf: this.#inband, answer: this.#lastSent.caller, format: this.#formats.caller, origin: { sessionId: origin.sessionId, version: origin.version - 1 } };
  }

  /** RFC 3264 §8.4: no media is expected while held, so the media timeout is off until resumed. */
  watch(on: boolean): void {
    this.#endpoints.caller.watchTimeout(on);
    this.#endpoints.callee.watchTimeout(on);
  }

  /** Idempotent; resolves with each endpoint's final figures. */
  close(): Promise<Record<Side, EndpointStats>> {
    void this.#browserFork?.endpoint.close();
    const caller = this.#endpoints.caller;
    // the anchored caller endpoint stays the Call's: it stops relaying to the callee's, which closes
    if (this.#anchored && this.#closed === undefined) caller.disconnect();
    this.#closed ??= Promise.all([this.#anchored ? caller.stats() : caller.close(), this.#endpoints.callee.close()]).then(([caller, callee]) => ({ caller, callee }));
    return this.#closed;
  }
}
