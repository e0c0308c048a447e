// The media of a call Hailing answers itself (answer(), a conference room, a supervisor, call
// pickup): one endpoint facing the caller, whose SDP answer we make from the caller's offer
// (local-answer.ts) and, later, from each re-offer the caller makes. The endpoint then plays
// prompts, joins a room or is connected to another endpoint; no SDP is relayed to a second party.
import { randomInt } from 'node:crypto';
import { audioFormats, emptyStats, formatOf, parseSdp } from '../../media/index.js';
import type { EndpointHandle, EndpointStats, MediaEngine, MediaFormat } from '../../media/index.js';
import { isWebRtcOffer, type HandedOver, type SdpRelay, type Side } from './call-media.js';
import { acceptAnswerOn, answerHere, SdpOrigin } from './local-answer.js';

export class LocalMedia {
  readonly endpoint: EndpointHandle;
  readonly #address: string;
  readonly #inband: 'auto' | 'on' | 'off';
  #answer: Uint8Array | undefined;
  /** the caller's SDP: the offer answered, or the answer (late offer, RFC 3264 §4) accepted */
  #party: Uint8Array | undefined;
  #format: MediaFormat | undefined;
  readonly #origin: SdpOrigin;
  #closed: Promise<Record<Side, EndpointStats>> | undefined;

  private constructor(endpoint: EndpointHandle, address: string, inband: 'auto' | 'on' | 'off', origin = new SdpOrigin(String(randomInt(1, 2 ** 47)))) {
    this.endpoint = endpoint;
    this.#origin = origin;
    this.#address = address;
    this.#inband = inband;
  }

  /** an endpoint in `group` (the room's, or the monitored call's, so that all share one worker) */
  static async open(options: {
    readonly engine: Pick<MediaEngine, 'createEndpoint'>;
    readonly group: string;
    readonly address: string;
    readonly offer: Uint8Array;
    readonly inbandDtmf?: 'auto' | 'on' | 'off';
    /** where the caller's SIP came from: with its SDP's c= the only RTP sources latched (strict source) */
    readonly sources?: readonly string[];
  }): Promise<LocalMedia> {
    const kind = isWebRtcOffer(options.offer) ? 'webrtc' : 'rtp';
    const endpoint = await options.engine.createEndpoint({ group: options.group, kind, ...(options.sources ? { sources: options.sources } : {}) });
    return new LocalMedia(endpoint, options.address, options.inbandDtmf ?? 'auto');
  }

  /** the caller's endpoint of a two-party call, handed over for a transfer (CallMedia.handOverCaller) */
  static adopt(o: HandedOver): LocalMedia {
    const media = new LocalMedia(o.endpoint, o.address, o.inbandDtmf, new SdpOrigin(o.origin.sessionId, o.origin.version));
    media.#answer = o.answer;
    media.#format = o.format;
    return media;
  }

  /** our answer to the caller's offer; the endpoint learns the caller's address and codec */
  async answer(offer: Uint8Array): Promise<SdpRelay> {
    this.#party = offer;
    if (this.endpoint.kind === 'webrtc') return this.#answerWebRtc(offer);
    const answered = answerHere({ offer, endpoint: this.endpoint, address: this.#address, origin: this.#origin, current: this.#format });
    if (!answered.ok) return answered;
    this.#format = answered.format;
    this.reassertFormat();
    this.#answer = answered.body;
    return { ok: true, body: answered.body, direction: answered.offered, codec: answered.format.codec };
  }

  async #answerWebRtc(offer: Uint8Array): Promise<SdpRelay> {
    const parsed = parseSdp(offer);
    if (!parsed.ok) return { ok: false, error: 'bad-sdp' };
    const formats = audioFormats(parsed.value);
    const first = formats?.voice[0];
    if (formats === null || first === undefined) return { ok: false, error: formats === null ? 'no-audio' : 'no-common-codec' };
    const answer = await this.endpoint.negotiate({ op: 'accept-offer', sdp: Buffer.from(offer).toString('utf8') });
    const mine = parseSdp(new Uint8Array(Buffer.from(answer)));
    const opus = mine.ok ? audioFormats(mine.value) : null;
    this.#format = opus?.voice[0] ? formatOf(opus, opus.voice[0]) : formatOf(formats, first);
    this.reassertFormat();
    this.#answer = new Uint8Array(Buffer.from(answer));
    return { ok: true, body: this.#answer, direction: 'sendrecv', codec: first.encoding };
  }

  /**
   * A re-offer from the caller in the dialog (hold, resume, a new address: RFC 3264 §8) is
   * answered here: the caller's endpoint is Hailing's, whatever it is connected to, so the other
   * party hears nothing of it. The endpoint follows the new address and format; the media timeout
   * is off while the caller holds (§8.4).
   */
  async answerReoffer(offer: Uint8Array): Promise<SdpRelay> {
    const answered = await this.answer(offer);
    if (answered.ok) this.endpoint.watchTimeout(answered.direction === 'sendrecv');
    return answered;
  }

  /** RFC 3264 §4: the ACK's answer to the offer our 2xx made (an offerless re-INVITE) */
  acceptAnswer(body: Uint8Array): void {
    this.#party = body;
    acceptAnswerOn(this.endpoint, body);
  }

  partySdp(): Uint8Array | undefined {
    return this.#party;
  }

  /**
   * Tells the endpoint the caller's format (the one our answer named) again: a bridge's SDP
   * exchange with a callee may have set another, and the caller was not told of any change.
   */
  reassertFormat(): void {
    const format = this.#format;
    if (format === undefined) return;
    this.endpoint.setFormat(format);
    this.endpoint.detectInbandDtmf(this.#inband === 'on' || (this.#inband === 'auto' && format.telephoneEvent === null));
  }

  /** its one endpoint, facing the caller, whose events are the call's */
  handles(): { readonly side: Side; readonly endpoint: EndpointHandle }[] {
    return [{ side: 'caller', endpoint: this.endpoint }];
  }

  lastSent(): Uint8Array | undefined {
    return this.#answer;
  }

  watch(on: boolean): void {
    this.endpoint.watchTimeout(on);
  }

  close(): Promise<Record<Side, EndpointStats>> {
    this.#closed ??= this.endpoint.close().then((caller) => ({ caller, callee: emptyStats }));
    return this.#closed;
  }
}
