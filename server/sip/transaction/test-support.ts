// Test helpers for the transaction state machines: hand-built messages and a recording context.
// Messages are written out literally (RFC 3261 §7) rather than produced by our own builder.
import { FakeClock } from '../clock.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/types.js';
import type { TransactionContext } from './base.js';
import { DEFAULT_TIMER_VALUES } from './timers.js';

export function request(method: string, branch = 'z9hG4bK776asdhds', cseq = 1): SipRequest {
  return {
    kind: 'request',
    method,
    uri: 'sip:bob@biloxi.example.com',
    version: 'SIP/2.0',
    headers: [
      { name: 'Via', value: `SIP/2.0/UDP pc33.atlanta.example.com;branch=${branch}` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'To', value: 'Bob <sip:bob@biloxi.example.com>' },
      { name: 'From', value: 'Alice <sip:alice@atlanta.example.com>;tag=1928301774' },
      { name: 'Call-ID', value: 'a84b4c76e66710@pc33.atlanta.example.com' },
      { name: 'CSeq', value: `${cseq} ${method}` },
      { name: 'Route', value: '<sip:proxy.example.com;lr>' },
      { name: 'Contact', value: '<sip:alice@pc33.atlanta.example.com>' },
      { name: 'Content-Length', value: '0' },
    ],
    body: new Uint8Array(0),
  };
}

export function response(req: SipRequest, status: number, toTag = 'a6c85cf'): SipResponse {
  return {
    kind: 'response',
    status,
    reason: 'Reason',
    version: 'SIP/2.0',
    headers: req.headers
      .filter((h) => ['Via', 'From', 'Call-ID', 'CSeq'].includes(h.name))
      .concat(status === 100 ? [{ name: 'To', value: 'Bob <sip:bob@biloxi.example.com>' }] : [{ name: 'To', value: `Bob <sip:bob@biloxi.example.com>;tag=${toTag}` }]),
    body: new Uint8Array(0),
  };
}

export interface Recorder {
  readonly clock: FakeClock;
  readonly context: TransactionContext;
  readonly sent: SipMessage[];
  /** times (ms since creation) at which messages were sent */
  readonly sentAt: number[];
}

export function recorder(reliable: boolean, timers = DEFAULT_TIMER_VALUES): Recorder {
  const clock = new FakeClock(0);
  const sent: SipMessage[] = [];
  const sentAt: number[] = [];
  return {
    clock,
    sent,
    sentAt,
    context: {
      clock,
      timers,
      reliable,
      send: (m) => {
        sent.push(m);
        sentAt.push(clock.now());
      },
    },
  };
}

export const header = (m: SipMessage, name: string): string | undefined => m.headers.find((h) => h.name === name)?.value;
