// Recognised PCM streams on the speech process, for whoever taps call audio (live transcription,
// IVR speech input). open() asks the speech process to recognise a new stream id with the loaded
// recogniser and returns the socket a media worker's tap writes it to; the stream's VAD and
// recognition events come back to the one handler that opened it. The audio itself never passes
// here: media worker → Unix socket → speech process.
import type { SpeechEvent, SpeechResult } from './worker/protocol.js';

/** what this needs of SpeechProcess */
export interface StreamsSpeech {
  readonly pcmSocket: string | null;
  start(): Promise<void>;
  request(req: { op: 'stream-asr'; stream: number; recognizer: string; partialEveryMs: number; keywords?: readonly string[] }): Promise<SpeechResult>;
  subscribe(listener: (e: SpeechEvent) => void): () => void;
}

/** how long a closed stream's events are still routed when its 'stream-ended' does not come */
const CLOSE_GRACE_MS = 60_000;

export type StreamEvent = Exclude<SpeechEvent, { event: 'ready' }>;

export interface OpenStream {
  readonly stream: number;
  /** the speech process's PCM socket, for EndpointHandle.startSpeechTap */
  readonly socket: string;
  /**
   * The tap was stopped: events still come until the speech process has handled the end record
   * (the final of an utterance in progress); routing stops at 'stream-ended', or after a grace
   * period for a stream whose records never arrived.
   */
  close(): void;
}

/** SherpaOfflineAsr: loaded once per speech process; forget() after the process was replaced */
export interface Recognizer {
  readonly name: string;
  load(): Promise<unknown>;
  forget(): void;
}

export class SpeechStreams {
  readonly #speech: StreamsSpeech;
  readonly #recognizer: Recognizer;
  readonly #handlers = new Map<number, (e: StreamEvent) => void>();
  // ids are per server process; the speech process forgets a stream when its end record comes
  #next = 1;

  constructor(o: { speech: StreamsSpeech; recognizer: Recognizer }) {
    this.#speech = o.speech;
    this.#recognizer = o.recognizer;
    o.speech.subscribe((e) => {
      if (e.event === 'ready') return;
      this.#handlers.get(e.stream)?.(e);
      if (e.event === 'stream-ended') this.#handlers.delete(e.stream);
    });
  }

  /**
   * Rejects with the reason when the recogniser cannot be loaded, a keyword is not made of its
   * tokens (keywords need a streaming transducer), or the speech process is down.
   */
  async open(o: { partialEveryMs: number; keywords?: readonly string[]; onEvent: (e: StreamEvent) => void }): Promise<OpenStream> {
    await this.#speech.start();
    await this.#recognizer.load();
    const stream = this.#next++;
    this.#handlers.set(stream, o.onEvent);
    const ask = () => this.#speech.request({ op: 'stream-asr', stream, recognizer: this.#recognizer.name, partialEveryMs: o.partialEveryMs, ...(o.keywords?.length ? { keywords: o.keywords } : {}) });
    try {
      await ask().catch(async (err: unknown) => {
        // a restarted speech process has no models: load the recogniser again, once
        if (!/is not loaded/.test(String(err))) throw err;
        this.#recognizer.forget();
        await this.#recognizer.load();
        await ask();
      });
    } catch (err) {
      this.#handlers.delete(stream);
      throw err;
    }
    const socket = this.#speech.pcmSocket;
    if (socket === null) {
      this.#handlers.delete(stream);
      throw new Error('the speech process has no PCM socket (it is restarting)');
    }
    return {
      stream,
      socket,
      close: () => {
        const handler = this.#handlers.get(stream);
        setTimeout(() => {
          if (this.#handlers.get(stream) === handler) this.#handlers.delete(stream);
        }, CLOSE_GRACE_MS).unref();
      },
    };
  }
}
