// A dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE creates, kept by either end. It
// knows how to build requests inside itself (§12.2.1.1), the ACK for a 2xx (§13.2.2.4), and checks
// the order of the remote side's requests (§12.2.2). Sans-IO: sending is the caller's business.
import { createRequest, newTag } from '../message/build.js';
import { getHeader, getHeaderValues, parseCSeq, parseNameAddr } from '../message/headers.js';
import type { HeaderInput } from '../message/build.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import type { Flow, SendTarget } from '../transport/types.js';

export interface DialogInit {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** our From (UAC) / To (UAS) header value, with our tag */
  readonly localAddress: string;
  /** the peer's header value, with its tag */
  readonly remoteAddress: string;
  readonly localCseq: number;
  readonly remoteCseq: number | undefined;
  /** the peer's Contact URI */
  readonly remoteTarget: string;
  /** Route values in the order requests carry them */
  readonly routeSet: readonly string[];
  /** where requests go: the flow the dialog was made on (RFC 3581 / RFC 5626 reach-back) */
  readonly flow: Flow | SendTarget;
}

export interface InDialogRequestOptions {
  readonly method: string;
  readonly headers?: readonly HeaderInput[];
  readonly body?: Uint8Array | string;
}

const contactUri = (message: SipRequest | SipResponse): string | undefined => {
  const first = getHeaderValues(message, 'Contact')[0];
  if (first === undefined) return undefined;
  const parsed = parseNameAddr(first);
  return parsed.ok ? parsed.value.uri : undefined;
};

const tagOf = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const parsed = parseNameAddr(value);
  const tag = parsed.ok ? parsed.value.params.get('tag') : undefined;
  return tag ?? undefined;
};

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly #localAddress: string;
  readonly #remoteAddress: string;
  readonly #routeSet: readonly string[];
  #localCseq: number;
  #remoteCseq: number | undefined;
  #remoteTarget: string;
  #flow: Flow | SendTarget;

  constructor(init: DialogInit) {
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.#localAddress = init.localAddress;
    this.#remoteAddress = init.remoteAddress;
    this.#localCseq = init.localCseq;
    this.#remoteCseq = init.remoteCseq;
    this.#remoteTarget = init.remoteTarget;
    this.#routeSet = init.routeSet;
    this.#flow = init.flow;
  }

  get flow(): Flow | SendTarget {
    return this.#flow;
  }

  get remoteTarget(): string {
    return this.#remoteTarget;
  }

  /** the flow a later message proved to reach the peer (a newer connection, a NAT rebinding) */
  useFlow(flow: Flow | SendTarget): void {
    this.#flow = flow;
  }

  /**
   * RFC 3261 §12.2.1.1: To carries the remote URI and tag, From the local ones, the Call-ID the
   * dialog's, the CSeq one more than the last (§12.2.1.1: "MUST be incremented by one"), the
   * Request-URI the remote target, Route the route set (loose routing, §12.2.1.1 first case).
   */
  request(options: InDialogRequestOptions): SipRequest {
    this.#localCseq += 1;
    return this.#build(options.method, this.#localCseq, options.headers ?? [], options.body);
  }

  /** RFC 3261 §13.2.2.4: the ACK for a 2xx has the INVITE's CSeq number and the dialog's headers. */
  ack(inviteCseq: number, body?: Uint8Array): SipRequest {
    const headers: HeaderInput[] = body && body.length > 0 ? [['Content-Type', 'application/sdp']] : [];
    return this.#build('ACK', inviteCseq, headers, body);
  }

  #build(method: string, cseq: number, extra: readonly HeaderInput[], body: Uint8Array | string | undefined): SipRequest {
    return createRequest({
      method,
      uri: this.#remoteTarget,
      headers: [
        ...this.#routeSet.map((r): HeaderInput => ['Route', r]),
        ['From', this.#localAddress],
        ['To', this.#remoteAddress],
        ['Call-ID', this.callId],
        ['CSeq', `${cseq} ${method}`],
        ...extra,
      ],
      ...(body !== undefined ? { body } : {}),
    });
  }

  /**
   * RFC 3261 §12.2.2: a request whose CSeq is lower than the last one received "MUST" be rejected
   * with 500; a target-refresh request (re-INVITE, UPDATE) may replace the remote target.
   */
  receive(request: SipRequest): 'ok' | 'out-of-order' {
    const cseq = parseCSeq(getHeader(request, 'CSeq') ?? '');
    if (!cseq.ok) return 'out-of-order';
    if (request.method !== 'ACK' && request.method !== 'CANCEL') {
      if (this.#remoteCseq !== undefined && cseq.value.seq <= this.#remoteCseq) return 'out-of-order';
      this.#remoteCseq = cseq.value.seq;
    }
    if (request.method === 'INVITE' || request.method === 'UPDATE') this.refreshTarget(request);
    return 'ok';
  }

  /** RFC 3261 §12.2.1.2 / §12.2.2: a target refresh replaces the remote target with its Contact. */
  refreshTarget(message: SipRequest | SipResponse): void {
    const uri = contactUri(message);
    if (uri !== undefined) this.#remoteTarget = uri;
  }
}

/**
 * RFC 3261 §12.1.1: the UAS side of a dialog made by a 2xx (or 1xx with a To tag) to an INVITE.
 * The route set is the Record-Route values in order, the remote target the request's Contact.
 */
export function uasDialog(options: { readonly invite: SipRequest; readonly localTag: string; readonly flow: Flow | SendTarget }): Dialog | undefined {
  const { invite } = options;
  const from = getHeader(invite, 'From');
  const to = getHeader(invite, 'To');
  const callId = getHeader(invite, 'Call-ID');
  const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
  const remoteTag = tagOf(from);
  const target = contactUri(invite);
  if (!from || !to || !callId || !cseq.ok || remoteTag === undefined || target === undefined) return undefined;
  return new Dialog({
    callId,
    localTag: options.localTag,
    remoteTag,
    localAddress: `${to};tag=${options.localTag}`,
    remoteAddress: from,
    // RFC 3261 §12.1.1: the local sequence number is empty (chosen freely); ours starts at 1
    localCseq: 0,
    remoteCseq: cseq.value.seq,
    remoteTarget: target,
    routeSet: getHeaderValues(invite, 'Record-Route'),
    flow: options.flow,
  });
}

/**
 * RFC 3261 §12.1.2: the UAC side, from our INVITE and a response carrying a To tag. The route set is
 * the response's Record-Route in reverse order, the remote target its Contact.
 */
export function uacDialog(options: { readonly invite: SipRequest; readonly response: SipResponse; readonly flow: Flow | SendTarget }): Dialog | undefined {
  const { invite, response } = options;
  const from = getHeader(invite, 'From');
  const to = getHeader(response, 'To');
  const callId = getHeader(invite, 'Call-ID');
  const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
  const localTag = tagOf(from);
  const remoteTag = tagOf(to);
  const target = contactUri(response) ?? invite.uri;
  if (!from || !to || !callId || !cseq.ok || localTag === undefined || remoteTag === undefined) return undefined;
  return new Dialog({
    callId,
    localTag,
    remoteTag,
    localAddress: from,
    remoteAddress: to,
    localCseq: cseq.value.seq,
    remoteCseq: undefined,
    remoteTarget: target,
    routeSet: getHeaderValues(response, 'Record-Route').reverse(),
    flow: options.flow,
  });
}

export { newTag, tagOf };
