// What each live call means to the extensions on it, for busy-lamp fields and presence (RFC 4235
// dialog state is built from these in server/presence): the caller's extension is on the call
// from the start; the extensions it rings are on it while it rings; the one that answered stays.
// An observer (CONVENTIONS.md §4): it reads calls and never steers them.
import { getHeader, parseNameAddr, parseUri, tagOf } from '../sip/index.js';
import type { Logger } from '../sip/index.js';
import { CallState, type Call } from './call.js';
import { userOf } from './invite-auth.js';

export interface CallLine {
  readonly callId: string;
  readonly caller: string;
  readonly callerName: string | null;
  readonly callee: string;
  /** ringing: the caller hears ringback; answered: a conversation (or a prompt) is up; ended: gone */
  readonly phase: 'routing' | 'ringing' | 'answered' | 'ended';
  /** the extensions ringing for this call now */
  readonly ringing: readonly string[];
  /** the extension whose phone answered (null when none did, or the call was answered by Hailing) */
  readonly answeredBy: string | null;
  /** the caller's SIP Call-ID (dialog-info's call-id attribute) */
  readonly sipCallId: string;
  /**
   * the caller's dialog tags (RFC 4235 §4.1.1 local-tag/remote-tag, seen from the answering side):
   * Hailing's To tag and the caller's From tag. A phone's BLF pickup names this dialog in its
   * INVITE with Replaces (invite-replaces.ts).
   */
  readonly sipTags: { readonly hailing: string; readonly caller: string } | null;
  readonly startedAt: number;
}

const PHASE: Record<CallState, CallLine['phase']> = {
  [CallState.Routing]: 'routing',
  [CallState.Ringing]: 'ringing',
  [CallState.Answered]: 'answered',
  [CallState.AnsweredLocally]: 'answered',
  [CallState.Bridging]: 'answered',
  [CallState.Bridged]: 'answered',
  [CallState.Held]: 'answered',
  [CallState.Ended]: 'ended',
};

/** the user part of a name-addr header value (`<sip:1002@host>` → 1002) */
function userIn(value: string | undefined): string | null {
  const na = value === undefined ? undefined : parseNameAddr(value);
  const uri = na?.ok ? parseUri(na.value.uri) : undefined;
  return (uri?.ok ? userOf(uri.value) : undefined) ?? null;
}

export function lineOf(call: Call): CallLine {
  const winner = call.winner;
  const message = call.inbound.request.message;
  const hailingTag = call.inbound.request.toTag?.();
  const callerTag = tagOf(getHeader(message, 'From'));
  return {
    callId: call.id,
    caller: call.caller.number,
    callerName: call.caller.displayName,
    callee: call.callee,
    phase: PHASE[call.state],
    ringing: call.ringing,
    answeredBy: winner ? userIn(winner.to) : null,
    sipCallId: getHeader(message, 'Call-ID') ?? call.id,
    sipTags: hailingTag !== undefined && callerTag !== undefined ? { hailing: hailingTag, caller: callerTag } : null,
    startedAt: call.startedAt,
  };
}

export type LineListener = (line: CallLine) => void;

/** The calls' lines and a feed of their changes (each state change of a call, and its close). */
export class CallLines {
  readonly #calls: () => Iterable<Call>;
  readonly #listeners = new Set<LineListener>();
  readonly #logger: Logger;

  constructor(options: { readonly calls: () => Iterable<Call>; readonly logger: Logger }) {
    this.#calls = options.calls;
    this.#logger = options.logger;
  }

  all(): CallLine[] {
    return [...this.#calls()].map(lineOf);
  }

  on(listener: LineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** follow a new call: its line goes out now and at every state change until it closes */
  watch(call: Call): void {
    this.#emit(lineOf(call));
    // read once the transition's step has finished: a dial names the numbers it rings just after Ringing
    const off = call.events.on('state', () => queueMicrotask(() => call.state !== CallState.Ended && this.#emit(lineOf(call))));
    call.events.on('close', () => {
      off();
      this.#emit({ ...lineOf(call), phase: 'ended', ringing: [] });
    });
  }

  #emit(line: CallLine): void {
    for (const listener of this.#listeners) {
      try {
        listener(line);
      } catch (err) {
        this.#logger.error({ err: String(err), call: line.callId }, 'line listener threw');
      }
    }
  }
}
