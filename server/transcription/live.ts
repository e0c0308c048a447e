// Live transcription (HAILING_LIVE_TRANSCRIBE with HAILING_TRANSCRIBE_MODEL): when a conversation
// is answered, each party's endpoint gets a speech tap (the media worker writes its PCM to the
// speech process) on a stream of its own, so the caller and the callee are recognised separately.
// The speech process segments each stream by VAD and recognises each utterance (partials while it
// goes on, a final at its end); here they become `transcript.partial` / `transcript.final` events
// with the call, the leg and times from the call's start, and each final with text is stored as a
// live segment of the call's transcript. With a streaming transducer (liveTranscribeModel) the
// speech process decodes each leg as it comes and spots the call's keywords on it
// (`transcript.keyword`, each hit stored with the call: keywords.ts). Without the recogniser the
// call goes on untranscribed. With a punctuator, each final is punctuated before it is published
// and stored; a leg's events keep their order.
import type { EndpointHandle } from '../../media/index.js';
import type { Logger } from '../sip/index.js';
import type { SpeechStreams, StreamEvent } from '../speech/streams.js';
import type { NewKeywordHit, NewTranscriptSegment } from '../store/index.js';
import type { TranscriptEventJson } from '../api/index.js';
import type { CallKeyword } from './keywords.js';

export type TranscriptLeg = TranscriptEventJson['leg'];

/** what live transcription needs of a Call */
export interface TranscribedCall {
  readonly id: string;
  /** the parties' numbers, as call events name them */
  readonly caller: string;
  readonly callee: string;
  /** ms since the epoch: the INVITE arrived */
  readonly startedAt: number;
  readonly parties: { readonly caller: EndpointHandle; readonly callee: EndpointHandle } | undefined;
  onClose(listener: () => void): void;
}

export interface LiveTranscriptionOptions {
  readonly streams: SpeechStreams;
  readonly store: { addLive(callId: string, segment: NewTranscriptSegment): Promise<void> };
  /** where keyword hits are kept (keyword_hits); not kept without it */
  readonly hits?: { addHit(hit: NewKeywordHit): Promise<void> };
  readonly logger: Logger;
  readonly now: () => number;
  readonly partialEveryMs: number;
  /** the keywords to spot on this call's legs (streaming recogniser only), spelled in its tokens; none by default */
  readonly keywordsFor?: (call: TranscribedCall) => Promise<readonly CallKeyword[]>;
  /**
   * PCI DSS: whether what is said on the call must not be kept now (its recording paused, or it is
   * in an IVR step marked sensitive); such utterances are neither published nor stored
   */
  readonly withheld?: (callId: string) => boolean;
  /** punctuation of each final's text (app/punctuation.ts: never rejects); absent: text as recognised */
  readonly punctuate?: (text: string) => Promise<string>;
}

/** a leg is tapped again at most this many times in a call (each after the speech process died) */
const MAX_RETAPS = 5;
/** the supervisor replaces a dead speech process at once; a re-tap waits this long for it */
const RETAP_DELAY_MS = 1000;

export class LiveTranscription {
  readonly #o: LiveTranscriptionOptions;
  readonly #listeners = new Set<(e: TranscriptEventJson) => void>();
  /** calls being transcribed, with the endpoints tapped: a new bridge (a transfer) taps only its new party */
  readonly #calls = new Map<string, CallTaps>();
  /** utterances (call, leg, start) heard in part while withheld: their later partials and final are withheld too */
  readonly #withheld = new Set<string>();
  /** per call leg: the last event still waiting for punctuation, so later ones are published after it */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(options: LiveTranscriptionOptions) {
    this.#o = options;
  }

  /** the events stream's source; returns the unsubscribe */
  subscribe(listener: (e: TranscriptEventJson) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * an answered conversation: both parties are tapped until the call closes. Called again when the
   * call is bridged anew (a transfer): the party that is new is tapped; the one that left ended its
   * tap when its endpoint closed.
   */
  async callAnswered(call: TranscribedCall): Promise<void> {
    const parties = call.parties;
    if (parties === undefined) return;
    let taps = this.#calls.get(call.id);
    if (taps === undefined) {
      const opened = new CallTaps(call, this.#o, (leg, offset, e, phrases) => this.#onEvent(call, leg, offset, e, phrases));
      taps = opened;
      this.#calls.set(call.id, opened);
      call.onClose(() => {
        this.#calls.delete(call.id);
        opened.close();
      });
    }
    for (const [leg, endpoint] of [['caller', parties.caller], ['callee', parties.callee]] as const) if (!taps.has(endpoint)) await taps.tap(leg, endpoint, 0);
  }

  #onEvent(call: TranscribedCall, leg: TranscriptLeg, offsetOf: number, e: StreamEvent, phrases: readonly CallKeyword[]): void {
    if (e.event === 'kws-hit') {
      // a keyword heard while the call is withheld (PCI) is neither passed on nor stored
      if (this.#o.withheld?.(call.id) === true) return;
      const atMs = Math.round(offsetOf + e.atMs);
      const now = this.#o.now();
      for (const p of phrases.filter((x) => x.tokens === e.keyword)) {
        this.#publish({ type: 'transcript.keyword', callId: call.id, at: new Date(now).toISOString(), caller: call.caller, callee: call.callee, leg, startMs: atMs, endMs: atMs, text: p.phrase, list: p.listName });
        const hit = { callId: call.id, leg, keyword: p.phrase, listId: p.listId, listName: p.listName, atMs, heardAt: now };
        this.#o.hits?.addHit(hit).catch((err: unknown) => this.#o.logger.error({ call: call.id, err: String(err) }, 'keyword hit not stored'));
      }
      return;
    }
    if (e.event !== 'asr-partial' && e.event !== 'asr-final') return;
    // an utterance with nothing recognised (noise, a cough) is neither published nor stored
    if (e.text === '') return;
    // an utterance any part of which came while the call was withheld (a card number read out
    // across the pause's end) is dropped whole
    const utterance = `${call.id} ${leg} ${e.startMs}`;
    if (this.#o.withheld?.(call.id) === true) this.#withheld.add(utterance);
    if (this.#withheld.has(utterance)) {
      if (e.event === 'asr-final') this.#withheld.delete(utterance);
      return;
    }
    const startMs = Math.round(offsetOf + e.startMs);
    const endMs = Math.round(offsetOf + e.endMs);
    const emit = (text: string): void => {
      this.#publish({ type: e.event === 'asr-partial' ? 'transcript.partial' : 'transcript.final', callId: call.id, at: new Date(this.#o.now()).toISOString(), caller: call.caller, callee: call.callee, leg, startMs, endMs, text });
      if (e.event === 'asr-final') {
        const segment = { channel: leg === 'caller' ? 0 : 1, speaker: leg, startMs, endMs, text, confidence: null };
        this.#o.store.addLive(call.id, segment).catch((err: unknown) => this.#o.logger.error({ call: call.id, err: String(err) }, 'live transcript segment not stored'));
      }
    };
    const key = `${call.id} ${leg}`;
    const before = this.#pending.get(key);
    const punctuate = this.#o.punctuate;
    if (before === undefined && (e.event === 'asr-partial' || punctuate === undefined)) return emit(e.text);
    // a final waits for its punctuation (a round trip to the speech process); what follows waits for it
    // (a punctuator that fails leaves the text as recognised: a final is never lost for it)
    const text = e.event === 'asr-final' && punctuate !== undefined ? punctuate(e.text).catch(() => e.text) : Promise.resolve(e.text);
    const done: Promise<void> = Promise.all([before, text]).then(([, t]) => emit(t));
    this.#pending.set(key, done);
    void done.finally(() => {
      if (this.#pending.get(key) === done) this.#pending.delete(key);
    });
  }

  #publish(event: TranscriptEventJson): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (err) {
        this.#o.logger.error({ err: String(err) }, 'transcript event listener failed');
      }
    }
  }
}

/** one call's speech taps, one per party endpoint it has had */
class CallTaps {
  readonly #taps = new Set<{ endpoint: EndpointHandle; stream: number; close(): void }>();
  /** every endpoint tapped (or being tapped) in this call, so a new bridge taps only its new party */
  readonly #endpoints = new Set<EndpointHandle>();
  #closed = false;

  constructor(
    private readonly call: TranscribedCall,
    private readonly o: LiveTranscriptionOptions,
    private readonly onEvent: (leg: TranscriptLeg, offsetMs: number, e: StreamEvent, phrases: readonly CallKeyword[]) => void,
  ) {}

  has(endpoint: EndpointHandle): boolean {
    return this.#endpoints.has(endpoint);
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#taps) {
      t.endpoint.stopSpeechTap(t.stream);
      t.close();
    }
    this.#taps.clear();
  }

  async tap(leg: TranscriptLeg, endpoint: EndpointHandle, attempt: number): Promise<void> {
    const { call, o } = this;
    this.#endpoints.add(endpoint);
    const retry = () => {
      if (!this.#closed && attempt < MAX_RETAPS) setTimeout(() => void this.tap(leg, endpoint, attempt + 1), RETAP_DELAY_MS).unref();
    };
    try {
      let offset = 0;
      const phrases = (await o.keywordsFor?.(call)) ?? [];
      // phrases that spell alike ('48', 'four eight') are one keyword for the spotter; a hit is each of them
      const keywords = [...new Set(phrases.map((p) => p.tokens))];
      const opened = await o.streams.open({ partialEveryMs: o.partialEveryMs, keywords, onEvent: (e) => this.onEvent(leg, offset, e, phrases) });
      // the stream's times count from the tap's first record: this far into the call
      offset = o.now() - call.startedAt;
      if (this.#closed) return opened.close();
      const tap = { endpoint, stream: opened.stream, close: opened.close };
      this.#taps.add(tap);
      const off = endpoint.on('speech-tap-ended', (f) => {
        if (f.stream !== opened.stream) return;
        off();
        this.#taps.delete(tap);
        if (f.framesDropped > 0 || f.error !== null) o.logger.warn({ call: call.id, leg, ...f }, 'live transcription: audio frames dropped (the speech process was behind or gone)');
        // the speech process died (its socket closed): the leg is tapped again on the new one
        if (f.error !== null) retry();
      });
      endpoint.startSpeechTap({ socket: opened.socket, stream: opened.stream });
    } catch (err) {
      // calls go on without it; the reason names what is missing (the model check's words)
      o.logger.error({ call: call.id, leg, err: String(err), attempt }, 'live transcription not started for this leg');
      // a tap that ended because the speech process died may be retried before the supervisor has seen it go
      if (attempt > 0) retry();
    }
  }
}
