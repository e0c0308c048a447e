// The media of a call Hailing answers itself (a conference room, a supervisor monitoring a call):
// one endpoint facing the caller, whose SDP answer we make from the caller's offer (RFC 3264 §6:
// the offerer's first codec we can decode, its payload number, our address and port). The
// endpoint then joins a room; nothing is relayed to a second party.
import { randomInt } from 'node:crypto';
import { anchorSdp, audioFormats, emptyStats, ENGINE_CODECS, formatOf, parseSdp, serializeSdp } from '../../media/index.js';
import type { EndpointHandle, EndpointStats, MediaEngine, MediaFormat } from '../../media/index.js';
import { isWebRtcOffer, type SdpRelay, type Side } from './call-media.js';

export class LocalMedia {
  readonly endpoint: EndpointHandle;
  readonly #address: string;
  readonly #inband: 'auto' | 'on' | 'off';
  #answer: Uint8Array | undefined;
  #format: MediaFormat | undefined;
  #closed: Promise<Record<Side, EndpointStats>> | undefined;

  private constructor(endpoint: EndpointHandle, address: string, inband: 'auto' | 'on' | 'off') {
    this.endpoint = endpoint;
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

  /** our answer to the caller's offer; the endpoint learns the caller's address and codec */
  async answer(offer: Uint8Array): Promise<SdpRelay> {
    const parsed = parseSdp(offer);
    if (!parsed.ok) return { ok: false, error: 'bad-sdp' };
    const formats = audioFormats(parsed.value);
    const first = formats?.voice[0];
    if (formats === null || first === undefined) return { ok: false, error: formats === null ? 'no-audio' : 'no-common-codec' };
    let body: Uint8Array;
    let format = formatOf(formats, first);
    if (this.endpoint.kind === 'webrtc') {
      const answer = await this.endpoint.negotiate({ op: 'accept-offer', sdp: Buffer.from(offer).toString('utf8') });
      const mine = parseSdp(new Uint8Array(Buffer.from(answer)));
      const opus = mine.ok ? audioFormats(mine.value) : null;
      if (opus?.voice[0]) format = formatOf(opus, opus.voice[0]);
      body = new Uint8Array(Buffer.from(answer));
    } else {
      // RFC 4568 offers (RTP/SAVP) are not answered here: a conference leg in the clear would be a downgrade
      if (formats.proto !== 'RTP/AVP' && formats.proto !== 'RTP/AVPF') return { ok: false, error: 'no-common-codec' };
      const anchored = anchorSdp({
        sdp: parsed.value,
        address: this.#address,
        rtpPort: this.endpoint.rtpPort,
        rtcpPort: this.endpoint.rtcpPort,
        origin: { sessionId: String(randomInt(1, 2 ** 47)), version: 1 },
        codecs: ENGINE_CODECS,
        only: { encoding: first.encoding, clockRate: first.clockRate },
        direction: 'sendrecv',
      });
      if (!anchored.ok) return { ok: false, error: anchored.error };
      this.endpoint.setRemote(anchored.remote);
      body = new Uint8Array(Buffer.from(serializeSdp(anchored.sdp), 'utf8'));
    }
    this.#format = format;
    this.reassertFormat();
    this.#answer = body;
    return { ok: true, body, direction: 'sendrecv', codec: first.encoding };
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

  endpointId(side: Side): string {
    return side === 'caller' ? this.endpoint.id : '';
  }

  endpointIds(): string[] {
    return [this.endpoint.id];
  }

  /** a re-offer is answered with what we said before: nothing to prepare (CallMedia.prepareReoffer) */
  async prepareReoffer(): Promise<void> {}

  /** a re-offer from the caller is answered with what we said before (hold inside a room is not relayed) */
  relay(): SdpRelay {
    return { ok: false, error: 'no-audio' };
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
