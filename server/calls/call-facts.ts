// What a Call's record is made of besides its legs' own times and figures: the forks it rang, the
// codec, the dial plan's trace and the handlers it ran, the recording it names, and how it ended.
// Kept apart from call.ts so that the Call holds the call's behaviour and this its bookkeeping.
import type { CallDirection, ExtensionProfile, CallRecord, CallRouting, RecordingFormat } from './types.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import { buildRecord, type CallEnd, type MediaFigures } from './record.js';

export class CallFacts {
  readonly forks: OutboundLeg[] = [];
  /**
   * Replaced, never changed, when a step adds to it: every record shares it as it stood, so the
   * five or so records a call emits need no copy of it each (issue 10 benchmark).
   */
  #routing: CallRouting = { trace: [], handlers: [] };
  #codec: string | null = null;
  /** between extensions until a carrier's DID brings the call in or a route takes it out */
  direction: CallDirection = 'internal';
  end: CallEnd | undefined;
  /** the recording being made (path relative to the recordings folder), so every record names it */
  #recording: { readonly path: string; readonly format: RecordingFormat } | undefined;
  /** what an IVR flow learned (server/ivr FlowContext), as the record's `ivr` */
  ivr: Readonly<Record<string, unknown>> | undefined;

  set codec(codec: string | null) {
    if (codec) this.#codec = codec;
  }

  routed(trace: readonly unknown[]): void {
    if (trace.length > 0) this.#routing = { trace: [...this.#routing.trace, ...trace], handlers: this.#routing.handlers };
  }

  handlerStarted(name: string): void {
    this.#routing = { trace: this.#routing.trace, handlers: [...this.#routing.handlers, name] };
  }

  recordingStarted(recording: { readonly path: string; readonly format: RecordingFormat }): void {
    this.#recording = recording;
  }

  snapshot(o: { readonly id: string; readonly caller: ExtensionProfile; readonly callee: string; readonly startedAt: number; readonly inbound: InboundLeg; readonly winner: OutboundLeg | undefined; readonly stats?: MediaFigures }): CallRecord {
    return buildRecord({
      id: o.id,
      caller: o.caller,
      callee: o.callee,
      startedAt: o.startedAt,
      inbound: o.inbound,
      forks: this.forks,
      winner: o.winner,
      codec: this.#codec,
      end: this.end,
      stats: o.stats,
      routing: this.#routing,
      direction: this.direction,
      ...(this.ivr !== undefined ? { ivr: this.ivr } : {}),
      ...(this.#recording === undefined ? {} : { recordingFile: this.#recording }),
    });
  }
}
