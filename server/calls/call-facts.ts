// What a Call's record is made of besides its legs' own times and figures: the forks it rang, the
// codec, the dial plan's trace and the handlers it ran, the recording it names, and how it ended.
// Kept apart from call.ts so that the Call holds the call's behaviour and this its bookkeeping.
import type { CallDirection, ExtensionProfile, CallRecord, CallRouting, RecordingFormat } from './types.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import { buildRecord, type CallEnd, type MediaFigures } from './record.js';

export class CallFacts {
  readonly forks: OutboundLeg[] = [];
  readonly #routing: { trace: unknown[]; handlers: string[] } = { trace: [], handlers: [] };
  #codec: string | null = null;
  /** between extensions until a carrier's DID brings the call in or a route takes it out */
  direction: CallDirection = 'internal';
  end: CallEnd | undefined;
  /** the recording being made (path relative to the recordings folder), so every record names it */
  #recording: { readonly path: string; readonly format: RecordingFormat } | undefined;

  set codec(codec: string | null) {
    if (codec) this.#codec = codec;
  }

  routed(trace: readonly unknown[]): void {
    this.#routing.trace.push(...trace);
  }

  handlerStarted(name: string): void {
    this.#routing.handlers.push(name);
  }

  recordingStarted(recording: { readonly path: string; readonly format: RecordingFormat }): void {
    this.#recording = recording;
  }

  snapshot(o: { readonly id: string; readonly caller: ExtensionProfile; readonly callee: string; readonly startedAt: number; readonly inbound: InboundLeg; readonly winner: OutboundLeg | undefined; readonly stats?: MediaFigures }): CallRecord {
    const routing: CallRouting = { trace: [...this.#routing.trace], handlers: [...this.#routing.handlers] };
    const record = buildRecord({ ...o, forks: this.forks, codec: this.#codec, end: this.end, direction: this.direction });
    const withRouting = { ...record, routing };
    return this.#recording === undefined ? withRouting : { ...withRouting, recordingPath: this.#recording.path, recordingFormat: this.#recording.format };
  }
}
