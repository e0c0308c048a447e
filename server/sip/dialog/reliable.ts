// Reliable provisional responses, RFC 3262, on the UAS side: a 1xx sent with Require: 100rel and an
// RSeq is retransmitted by the UAS core (not the transaction) until a PRACK whose RAck names it
// arrives, and given up after 64*T1. Sans-IO: transmit() is the caller's way to the INVITE's server
// transaction, and the option-tag helpers read what the peer asked for.
import { randomInt } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock.js';
import { getHeaderValues, parseCSeq, getHeader } from '../message/headers.js';
import type { SipHeader, SipMessage, SipRequest } from '../message/types.js';
import type { TimerValues } from '../transaction/timers.js';

/** the option tags of a Require or Supported header (RFC 3261 §20.32, §20.37), lower-cased */
export function optionTags(message: SipMessage, header: 'Require' | 'Supported'): ReadonlySet<string> {
  return new Set(getHeaderValues(message, header).map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
}

/**
 * RFC 3262 §3: with Require: 100rel every provisional other than 100 "MUST" be sent reliably; with
 * Supported: 100rel the UAS "MAY". Choice: then only a 1xx that carries SDP (early media) is, since
 * only its loss costs the caller something.
 */
export function reliability(invite: SipRequest): 'required' | 'supported' | 'none' {
  if (optionTags(invite, 'Require').has('100rel')) return 'required';
  return optionTags(invite, 'Supported').has('100rel') ? 'supported' : 'none';
}

/** RFC 3262 §7.2: RAck = response-num CSeq-num Method */
export function parseRAck(value: string): { readonly rseq: number; readonly cseq: number; readonly method: string } | undefined {
  const m = /^\s*([0-9]{1,10})\s+([0-9]{1,10})\s+([A-Za-z!%*_+`'~.-]+)\s*$/.exec(value);
  if (!m) return undefined;
  return { rseq: Number(m[1]), cseq: Number(m[2]), method: (m[3] ?? '').toUpperCase() };
}

export interface ReliableProvisionalsOptions {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /** the CSeq number of the INVITE the responses answer (a PRACK's RAck names it) */
  readonly inviteCseq: number;
  /** no PRACK within 64*T1: RFC 3262 §3 says the UAS "SHOULD reject the original request with a 5xx" */
  readonly onTimeout: () => void;
  /** the first RSeq; RFC 3262 §3: chosen at random between 1 and 2**31 - 1 */
  readonly firstRSeq?: number;
}

interface Pending {
  readonly rseq: number;
  readonly transmit: () => void;
}

export class ReliableProvisionals {
  readonly #o: ReliableProvisionalsOptions;
  readonly #firstRSeq: number;
  #nextRSeq: number;
  /** the one response awaiting its PRACK, and its timers */
  #outstanding: { pending: Pending; retransmit: TimerHandle | undefined; giveUp: TimerHandle } | undefined;
  /** RFC 3262 §3: "MUST NOT send a second reliable provisional response until the first is acknowledged" */
  readonly #queue: Pending[] = [];
  #stopped = false;

  constructor(options: ReliableProvisionalsOptions) {
    this.#o = options;
    this.#firstRSeq = options.firstRSeq ?? randomInt(1, 2 ** 31 - 1);
    this.#nextRSeq = this.#firstRSeq;
  }

  /**
   * Sends a provisional reliably: `send` gets the Require and RSeq headers to add and is called
   * again for each retransmission. Returns the RSeq given to it.
   */
  send(send: (headers: readonly SipHeader[]) => void): number {
    const rseq = this.#nextRSeq;
    // RFC 3262 §3: "The value of the RSeq in each subsequent reliable provisional response for the same request MUST be greater by exactly one"
    this.#nextRSeq += 1;
    const headers: SipHeader[] = [
      { name: 'Require', value: '100rel' },
      { name: 'RSeq', value: String(rseq) },
    ];
    const pending = { rseq, transmit: () => send(headers) };
    if (this.#stopped) return rseq;
    if (this.#outstanding) this.#queue.push(pending);
    else this.#start(pending);
    return rseq;
  }

  get awaitingPrack(): boolean {
    return this.#outstanding !== undefined;
  }

  #start(pending: Pending): void {
    const { clock, timers } = this.#o;
    pending.transmit();
    // RFC 3262 §3: retransmitted "with an interval that starts at T1 seconds and doubles for each retransmission"
    let interval = timers.t1;
    const schedule = (): TimerHandle =>
      clock.setTimeout(() => {
        if (this.#outstanding?.pending !== pending) return;
        pending.transmit();
        interval *= 2;
        this.#outstanding.retransmit = schedule();
      }, interval);
    const giveUp = clock.setTimeout(() => {
      if (this.#outstanding?.pending !== pending) return;
      this.stop();
      this.#o.onTimeout();
    }, 64 * timers.t1);
    this.#outstanding = { pending, retransmit: schedule(), giveUp };
  }

  /**
   * RFC 3262 §3: a PRACK whose RAck matches the outstanding response stops its retransmission and
   * is answered 2xx; one that matches nothing gets 481. The next queued response goes out then.
   */
  prack(request: SipRequest): 'ok' | 'no-match' {
    const rack = parseRAck(getHeader(request, 'RAck') ?? '');
    const current = this.#outstanding;
    if (!rack || rack.method !== 'INVITE' || rack.cseq !== this.#o.inviteCseq) return 'no-match';
    if (!current || rack.rseq !== current.pending.rseq) {
      // a PRACK for a response acknowledged before (a new PRACK after its transaction ended) is answered again
      const acknowledged = rack.rseq >= this.#firstRSeq && rack.rseq < (current?.pending.rseq ?? this.#queue[0]?.rseq ?? this.#nextRSeq);
      return acknowledged ? 'ok' : 'no-match';
    }
    this.#clear();
    const next = this.#queue.shift();
    if (next && !this.#stopped) this.#start(next);
    return 'ok';
  }

  #clear(): void {
    const current = this.#outstanding;
    if (!current) return;
    if (current.retransmit) this.#o.clock.clearTimeout(current.retransmit);
    this.#o.clock.clearTimeout(current.giveUp);
    this.#outstanding = undefined;
  }

  /** the final response went out (or the call ended): nothing more is retransmitted */
  stop(): void {
    this.#stopped = true;
    this.#clear();
    this.#queue.length = 0;
  }
}

/** the CSeq number of a request (an INVITE's, for the RAck its PRACKs name) */
export function cseqNumber(request: SipRequest): number {
  const cseq = parseCSeq(getHeader(request, 'CSeq') ?? '');
  return cseq.ok ? cseq.value.seq : -1;
}
