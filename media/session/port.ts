// What an endpoint in a worker has besides its sockets: the phone's format, the decoder that turns
// what the phone sends into 20 ms frames (created only when something reads it: a room, a
// transcoder, a recording, in-band DTMF), the encoder that originates what we send it, RFC 4733
// reception, and playback. RelayEndpoint (RTP/SRTP) and the WebRTC endpoint both extend it, so a
// room or a recording does not care which kind a member is.
import { TelephoneEventReceiver } from '../dsp/index.js';
import { InboundStream } from './inbound.js';
import { OutboundStream } from './outbound.js';
import { Playback } from './playback.js';
import type { DtmfMethod, MediaFormat } from '../types.js';

/** How a port reports to its worker; one object per worker, no closure per packet. */
export interface PortSink {
  dtmf(port: MediaPort, digit: string, durationMs: number, method: DtmfMethod): void;
  playDone(port: MediaPort, id: string, reason: 'finished' | 'stopped' | 'failed'): void;
}

/** Drives RFC 4733 receivers on the worker's tick while an event is in progress (one per worker). */
export interface DtmfClock {
  /** a port's receiver has an event open: tick it until tickDtmf() answers false */
  wake(port: MediaPort): void;
}

/** RFC 4733 §2.5.1.2: senders update at least every 50 ms; this long without a packet, no event is open */
const EVENT_IDLE_MS = 500;

export abstract class MediaPort {
  readonly id: string;
  readonly group: string;
  protected readonly sink: PortSink;
  format: MediaFormat | null = null;
  inbound: InboundStream | null = null;
  outbound: OutboundStream | null = null;
  /** originated audio replaces relayed audio while set (playback, mixing, transcoding) */
  playback: Playback | null = null;
  /** decoding consumers: while > 0 the phone's RTP feeds `inbound` (rooms, recordings, in-band DTMF) */
  #readers = 0;
  /** the endpoint this one is connected to (relay, or a transcoder when the codecs differ) */
  peer: MediaPort | null = null;
  /** the payload type the phone expects when it differs from the peer's (pass-through, same codec) */
  relayPayloadType = -1;
  /** true for endpoints whose media must always be decoded (WebRTC: DTLS-SRTP Opus) */
  readonly alwaysDecode: boolean = false;
  /** true while a room (or transcoder) originates everything the phone hears */
  mixed = false;
  #dtmfRx: TelephoneEventReceiver | null = null;
  /** set by the worker's sessions; woken by the first packet of an event */
  dtmfClock: DtmfClock | null = null;
  #eventOpen = false;
  #lastEventMs = 0;
  #inband = false;
  /** the last frame pulled from `inbound`, shared by every reader of one tick */
  readonly frame = new Int16Array(960);
  #frameAt = -1;
  #playFrame = new Int16Array(160);
  #silence = new Int16Array(160);
  #frameActive = false;
  #rate = 8000;

  protected constructor(id: string, group: string, sink: PortSink) {
    this.id = id;
    this.group = group;
    this.sink = sink;
  }

  /** a packet relayed from the peer's phone (pass-through); endpoints that cannot take it ignore it */
  relayRtp(_msg: Buffer): void {}

  /**
   * The worker's RTCP check (every few hundred ms while its ticker runs): RTP endpoints that decode
   * send their own reports (RFC 3550 §6). WebRTC needs nothing here: werift's RTCRtpSender and
   * receiver send their own SR, SDES and RR over the muxed transport.
   */
  tickRtcp(_nowMs: number): void {}

  /** sends a packet we originated (the subclass protects with SRTP and addresses it) */
  abstract transmit(packet: Buffer, length: number): void;

  /** re-INVITE changed the codec: decoders/encoders are rebuilt at the current session rate */
  setFormat(format: MediaFormat | null): void {
    this.format = format;
    const te = format?.telephoneEvent ?? null;
    this.#dtmfRx =
      te === null || format === null
        ? null
        : new TelephoneEventReceiver({ clockRate: format.clockRate, onDigit: (e) => this.sink.dtmf(this, e.digit, e.durationMs, 'rfc4733') });
    this.#rebuild();
  }

  get telephoneEvent(): number {
    return this.format?.telephoneEvent ?? -1;
  }

  /** an RFC 4733 packet from the phone */
  onTelephoneEvent(packet: Uint8Array, payloadOffset: number, payloadLength: number, timestamp: number, marker: boolean, nowMs: number): void {
    const rx = this.#dtmfRx;
    if (rx === null) return;
    rx.push({ timestamp, marker, payload: packet.subarray(payloadOffset, payloadOffset + payloadLength), nowMs });
    this.#lastEventMs = nowMs;
    if (!this.#eventOpen) {
      this.#eventOpen = true;
      this.dtmfClock?.wake(this);
    }
  }

  /**
   * RFC 4733 §2.5.2: an event whose end packets were all lost ends after the receiver's timeout;
   * the worker calls this each tick while an event is open. False once nothing is open.
   */
  tickDtmf(nowMs: number): boolean {
    const rx = this.#dtmfRx;
    if (rx === null) return (this.#eventOpen = false);
    rx.tick(nowMs);
    if (nowMs - this.#lastEventMs >= EVENT_IDLE_MS) this.#eventOpen = false;
    return this.#eventOpen;
  }

  /** the session rate the decoders and encoders run at (a room's, a transcoder's, a recording's) */
  useRate(rate: number): void {
    if (rate === this.#rate && (this.inbound !== null || this.#readers === 0)) return;
    this.#rate = rate;
    this.#rebuild();
  }

  get rate(): number {
    return this.#rate;
  }

  addReader(): void {
    if (this.#readers++ === 0) this.#rebuildInbound();
  }

  removeReader(): void {
    if (this.#readers > 0 && --this.#readers === 0) this.#rebuildInbound();
  }

  get decoding(): boolean {
    return this.inbound !== null;
  }

  setInbandDtmf(on: boolean): void {
    if (on === this.#inband) return;
    this.#inband = on;
    if (on) this.addReader();
    else this.removeReader();
    this.inbound?.enableInbandDtmf(on ? (digit, _start, durationMs) => this.sink.dtmf(this, digit, durationMs, 'inband') : null);
  }

  /** this tick's frame of what the phone said (decoded once, however many read it); false = silence */
  pull(nowMs: number): boolean {
    if (this.#frameAt === nowMs) return this.#frameActive;
    this.#frameAt = nowMs;
    const inbound = this.inbound;
    this.#frameActive = inbound !== null && inbound.pull(this.frame, nowMs);
    if (inbound === null) this.frame.fill(0);
    return this.#frameActive;
  }

  /** a frame of originated audio to the phone (mixing, transcoding, playback) */
  send(frame: Int16Array): void {
    this.outbound?.send(frame);
  }

  sendDtmf(digits: string, durationMs: number): boolean {
    if (this.outbound === null) this.#ensureOutbound();
    return this.outbound?.queueDtmf(digits, durationMs) ?? false;
  }

  /** an RFC 4733 event still being sent */
  get outboundBusy(): boolean {
    return this.outbound?.dtmfBusy ?? false;
  }

  /** a worker tick for a port outside rooms: playback replaces relayed audio, DTMF events go out */
  tickOutside(_nowMs: number): void {
    if (this.mixed) return;
    this.#ensureOutbound();
    const out = this.#playFrame;
    const playing = this.playback !== null && this.playback.read(out);
    if (!playing) {
      // no playback: DTMF from us rides between the relayed packets' sequence... we originate only the events
      if (this.outboundBusy) this.outbound?.send(this.#silence);
      return;
    }
    this.send(out);
  }

  ensureOutbound(): void {
    this.#ensureOutbound();
  }

  #ensureOutbound(): void {
    if (this.outbound === null && this.format !== null) {
      this.outbound = new OutboundStream({ format: this.format, rate: this.#rate, transmit: (p, l) => this.transmit(p, l) });
    }
  }

  #rebuild(): void {
    const n = this.#rate / 50;
    if (this.#playFrame.length !== n) {
      this.#playFrame = new Int16Array(n);
      this.#silence = new Int16Array(n);
    }
    this.outbound?.close();
    this.outbound = null;
    this.#rebuildInbound();
    if (this.format !== null && (this.mixed || this.playback !== null)) this.#ensureOutbound();
  }

  /**
   * Readers came or went: only the decoder changes. What we send keeps its SSRC, sequence and
   * queued DTMF (a recording started mid-call must not look like a new source to the phone).
   */
  #rebuildInbound(): void {
    this.inbound?.close();
    this.inbound = null;
    this.#frameAt = -1;
    const format = this.format;
    if (format === null || this.#readers === 0) return;
    this.inbound = new InboundStream({ format, rate: this.#rate });
    if (this.#inband) this.inbound.enableInbandDtmf((digit, _s, durationMs) => this.sink.dtmf(this, digit, durationMs, 'inband'));
  }

  closePort(): void {
    this.inbound?.close();
    this.outbound?.close();
    this.inbound = null;
    this.outbound = null;
    this.playback?.stop();
    this.playback = null;
  }
}
