// A PCM tap on one endpoint for the speech process (server/speech, docs/speech.md "PCM path"):
// each 20 ms tick the phone's decoded frame is written, as one record
//   u32 stream | u32 rate | u32 bytes | PCM16LE
// to the speech process's Unix socket, straight from this worker thread, so no frame crosses the
// main thread. The tap must never delay the packet path: the socket is written without waiting,
// and while more than `maxBacklogBytes` are still unsent (the speech process is slow or stuck) the
// frame is dropped and counted instead of queued. A socket error, or the socket closed by the speech
// process (it died), ends the tap at once with the reason.
import { connect, type Socket } from 'node:net';
import { Resampler } from '../dsp/resample.js';
import type { MediaPort } from './port.js';
import type { TickTarget } from './ticker.js';

const HEADER = 12;
/** ~1.3 s of 16 kHz audio: beyond this the reader is not keeping up, and waiting would only grow it */
const DEFAULT_BACKLOG_BYTES = 64 * 1024;

export interface SpeechTapFigures {
  readonly framesSent: number;
  readonly framesDropped: number;
  /** why the tap ended early (the socket failed); null when it was stopped */
  readonly error: string | null;
}

export class SpeechTap implements TickTarget {
  readonly stream: number;
  readonly port: MediaPort;
  /** the rate the records carry: the speech process's VAD runs at 8 or 16 kHz only */
  readonly rate: 8000 | 16000;
  readonly #sock: Socket;
  readonly #maxBacklog: number;
  /** when the port's session rate is not the tap's (48 kHz Opus, or a room changed it): made on first need */
  #resampler: Resampler | null = null;
  readonly #scratch: Int16Array;
  #sent = 0;
  #dropped = 0;
  #error: string | null = null;
  #ended = false;

  constructor(options: { readonly port: MediaPort; readonly socketPath: string; readonly stream: number; readonly maxBacklogBytes?: number; readonly onFailed?: (tap: SpeechTap) => void }) {
    this.port = options.port;
    this.stream = options.stream;
    this.#maxBacklog = options.maxBacklogBytes ?? DEFAULT_BACKLOG_BYTES;
    const portRate = options.port.rate;
    this.rate = portRate === 8000 ? 8000 : 16000;
    this.#scratch = new Int16Array(this.rate / 50 + 64);
    options.port.addReader();
    this.#sock = connect(options.socketPath);
    // Nagle would hold small records back; the reader wants each frame as it comes
    this.#sock.setNoDelay?.(true);
    const failed = (why: string): void => {
      if (this.#ended || this.#error !== null) return;
      this.#error = why;
      this.#sock.destroy();
      options.onFailed?.(this);
    };
    this.#sock.on('error', (err) => failed(err.message));
    // the reader went away without an error on our side (the speech process exited)
    this.#sock.on('close', () => failed('the speech process closed the socket'));
  }

  get figures(): SpeechTapFigures {
    return { framesSent: this.#sent, framesDropped: this.#dropped, error: this.#error };
  }

  tick(nowMs: number): void {
    if (this.#ended) return;
    this.port.pull(nowMs);
    const from = this.port.rate;
    if (from === this.rate) return this.#write(this.port.frame, from / 50);
    if (this.#resampler?.fromRate !== from) this.#resampler = new Resampler({ fromRate: from, toRate: this.rate });
    this.#write(this.#scratch, this.#resampler.process(this.port.frame, from / 50, this.#scratch));
  }

  /** frames the worker's clock skipped after a stall: silence keeps the stream on the call's timeline */
  skipped(frames: number): void {
    const silence = new Int16Array(this.rate / 50);
    for (let i = 0; i < frames && !this.#ended; i++) this.#write(silence, silence.length);
  }

  #write(pcm: Int16Array, samples: number): void {
    const sock = this.#sock;
    if (this.#error !== null || sock.destroyed || sock.writableLength > this.#maxBacklog) {
      this.#dropped++;
      return;
    }
    // a fresh buffer per record: socket.write keeps it until the kernel takes it (50 a second per leg)
    const record = Buffer.allocUnsafe(HEADER + samples * 2);
    record.writeUInt32LE(this.stream, 0);
    record.writeUInt32LE(this.rate, 4);
    record.writeUInt32LE(samples * 2, 8);
    for (let i = 0; i < samples; i++) record.writeInt16LE(pcm[i]!, HEADER + i * 2);
    sock.write(record);
    this.#sent++;
  }

  /** the end-of-stream record (the speech process closes the utterance in progress), then the socket */
  stop(): SpeechTapFigures {
    if (!this.#ended) {
      this.#ended = true;
      this.port.removeReader();
      const end = Buffer.alloc(HEADER);
      end.writeUInt32LE(this.stream, 0);
      end.writeUInt32LE(this.rate, 4);
      if (this.#error === null && !this.#sock.destroyed) this.#sock.end(end);
      else this.#sock.destroy();
    }
    return this.figures;
  }
}

/** The taps of one worker, by endpoint and stream (an endpoint may feed several streams). */
export class SpeechTaps {
  readonly #taps = new Map<string, SpeechTap>();
  readonly #drive: (t: TickTarget) => void;
  readonly #undrive: (t: TickTarget) => void;
  readonly #ended: (endpointId: string, stream: number, figures: SpeechTapFigures) => void;

  constructor(o: { drive: (t: TickTarget) => void; undrive: (t: TickTarget) => void; ended: (endpointId: string, stream: number, figures: SpeechTapFigures) => void }) {
    this.#drive = o.drive;
    this.#undrive = o.undrive;
    this.#ended = o.ended;
  }

  start(port: MediaPort, socketPath: string, stream: number): void {
    this.stop(port.id, stream);
    const tap = new SpeechTap({ port, socketPath, stream, onFailed: (t) => this.stop(t.port.id, t.stream) });
    this.#taps.set(`${port.id}\n${stream}`, tap);
    this.#drive(tap);
  }

  stop(endpointId: string, stream: number): void {
    const key = `${endpointId}\n${stream}`;
    const tap = this.#taps.get(key);
    if (tap === undefined) return;
    this.#taps.delete(key);
    this.#undrive(tap);
    this.#ended(endpointId, stream, tap.stop());
  }

  /** the endpoint is closing: every tap on it ends */
  stopPort(endpointId: string): void {
    for (const tap of [...this.#taps.values()]) if (tap.port.id === endpointId) this.stop(endpointId, tap.stream);
  }

  stopAll(): void {
    for (const tap of [...this.#taps.values()]) this.stop(tap.port.id, tap.stream);
  }
}
