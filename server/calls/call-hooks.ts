// What a Call is given by its owner (call-control.ts) and what it ends with it: kept apart from
// call.ts so the Call's file holds only the call itself.
import type { Clock, Logger } from '../sip/index.js';
import type { Call } from './call.js';
import type { CallRecord, DtmfEvent } from './types.js';
import type { DtmfDigit } from './dtmf-forward.js';
import type { CallRecorder } from './call-recording.js';
import type { PlayItem } from '../../media/index.js';

export interface CallHooks {
  readonly clock: Clock;
  readonly logger: Logger;
  /** observer events (records, WebSocket, metrics); never steer the call */
  readonly emit: (event: 'newcall' | 'ringing' | 'answered' | 'hangup', record: CallRecord) => void;
  /** a digit one party sent (any method); observers only */
  readonly dtmf: (event: DtmfEvent) => void;
  /** dialogs of this call's legs join and leave the index that routes in-dialog requests */
  readonly index: { add(key: string, call: Call): void; remove(key: string): void };
  /** a digit the worker decoded, to be sent on to the other party (DtmfForwarder) */
  readonly forwardDtmf: (digit: DtmfDigit) => void;
  /** where Call.record() puts its files; absent when recording is not set up */
  readonly recorder?: CallRecorder;
  /** what a party put on hold hears (music on hold); absent or undefined: silence */
  readonly musicOnHold?: () => Promise<PlayItem | undefined>;
  readonly closed: (call: Call) => void;
}

/** What a Call's close() ends with it: the running handler, a recording. */
export interface CallResource {
  close(reason: string, record: CallRecord): void;
}
