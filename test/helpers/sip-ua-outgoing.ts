// The UAC side of the node-sip test UA (test/helpers/sip-ua.ts): an INVITE answered with digest on
// its first 407 (RFC 3261 §22.3), the responses a test waits on, the ACK of every 2xx (§13.2.2.4)
// and CANCEL (§9.1), which must carry the INVITE's Via as sent (node-sip adds none to a CANCEL).
import type { Direction } from './rtp-peer.js';
import { randomToken, uriText, type Aor, type SipMessage, type SipStack } from './node-sip.js';
import { answerChallenges, type Challenge, type DigestAlgorithm } from './sip-digest.js';
import { dialogFromResponse, type Dialog } from './sip-dialog.js';
import { deferred, type Deferred } from './waiting.js';

export interface OutgoingCall {
  readonly callId: string;
  /** every response to the INVITE after the challenge round, in arrival order */
  readonly responses: SipMessage[];
  /** 407 challenges received (1 for a normal call; 2 when the credentials were refused) */
  challenges(): number;
  readonly final: Promise<SipMessage>;
  /** resolves with the first response whose status satisfies `test` */
  response(test: (status: number) => boolean): Promise<SipMessage>;
  /** the dialog once a 2xx arrived */
  dialog(): Dialog | undefined;
  /** RFC 3261 §9.1: CANCEL the INVITE (after a provisional response); resolves with the CANCEL's final response */
  cancel(): Promise<SipMessage>;
  /** RFC 3262 §4: the PRACKs sent (with `prack`), each with the RSeq it acknowledged and its final status */
  readonly pracks: { rseq: number; status: Promise<number> }[];
}

export interface CallOptions {
  to: string;
  user: string;
  password: string;
  displayName?: string;
  algorithm?: DigestAlgorithm;
  /** more INVITE headers in node-sip's form, e.g. { require: '100rel', 'session-expires': '90' } */
  headers?: Record<string, string>;
  /** RFC 3264 §4 late offer: an INVITE without SDP; the ACK of the 2xx carries our answer */
  lateOffer?: boolean;
  /** RFC 3262 §4: PRACK every reliable provisional (Require: 100rel with an RSeq) */
  prack?: boolean;
}

export interface PlaceCallOptions extends CallOptions {
  stack: SipStack;
  /** SIP domain (AOR host) */
  domain: string;
  server: { host: string; port: number };
  /** our Contact URI */
  contact: string;
  sdpFor: (d: Direction, version: number) => string;
  /** the dialog a 2xx set up, from then on routed in-dialog requests by Call-ID */
  onDialog: (callId: string, dialog: Dialog) => void;
}

export function placeCall(c: PlaceCallOptions): OutgoingCall {
  const { stack, domain, server, contact, sdpFor } = c;
  const callId = randomToken();
  const localAor: Aor = { uri: `sip:${c.user}@${domain}`, params: { tag: randomToken() }, ...(c.displayName ? { name: `"${c.displayName}"` } : {}) };
  const remoteAor: Aor = { uri: `sip:${c.to}@${domain}`, params: {} };
  // the dialled number at the server's address, as a phone without an outbound proxy sends it
  const requestUri = `sip:${c.to}@${server.host}:${server.port}`;
  const responses: SipMessage[] = [];
  const finalD = deferred<SipMessage>();
  const watchers: { test: (s: number) => boolean; d: Deferred<SipMessage> }[] = [];
  let challenges = 0;
  let dialog: Dialog | undefined;
  let current: SipMessage | undefined;
  const invite = (seq: number, auth?: Record<string, string>): SipMessage => ({
    method: 'INVITE',
    uri: requestUri,
    headers: {
      to: remoteAor,
      from: localAor,
      'call-id': callId,
      cseq: { method: 'INVITE', seq },
      contact: [{ uri: contact, params: {} }],
      'max-forwards': 70,
      'user-agent': 'node-sip interop',
      ...(c.lateOffer ? {} : { 'content-type': 'application/sdp' }),
      ...(c.headers ?? {}),
      ...(auth ? { 'proxy-authorization': [auth] } : {}),
    },
    ...(c.lateOffer ? {} : { content: sdpFor('sendrecv', 1) }),
  });
  const pracks: OutgoingCall['pracks'] = [];
  const acknowledged = new Set<number>();
  // RFC 3262 §4: PRACK in the early dialog, RAck = RSeq, the INVITE's CSeq number and method
  const sendPrack = (m: SipMessage, rs: SipMessage) => {
    const rseq = Number(rs.headers.rseq);
    if (!/\b100rel\b/i.test(String(rs.headers.require ?? '')) || !Number.isInteger(rseq) || acknowledged.has(rseq)) return;
    acknowledged.add(rseq);
    const seq = m.headers.cseq?.seq ?? 1;
    const prack: SipMessage = {
      method: 'PRACK',
      uri: uriText(rs.headers.contact?.[0]?.uri ?? m.uri ?? ''),
      headers: {
        via: [],
        to: rs.headers.to,
        from: m.headers.from,
        'call-id': callId,
        cseq: { method: 'PRACK', seq: seq + pracks.length + 1 },
        rack: `${rseq} ${seq} INVITE`,
        'max-forwards': 70,
      },
    };
    pracks.push({ rseq, status: new Promise((resolve) => stack.send(prack, (r) => (r.status ?? 0) >= 200 && resolve(r.status ?? 0))) });
  };
  const start = (m: SipMessage) => {
    current = m;
    stack.send(m, (rs) => {
      if (m !== current) return; // a late answer to the unauthenticated attempt
      const status = rs.status ?? 0;
      if (status === 407 && challenges === 0) {
        challenges++;
        const list = (rs.headers['proxy-authenticate'] as Challenge[] | undefined) ?? [];
        const auth = answerChallenges({ challenges: list, algorithm: c.algorithm ?? 'SHA-256', user: c.user, password: c.password, method: 'INVITE', uri: requestUri });
        return start(invite(2, auth));
      }
      if (status === 407) challenges++;
      if (c.prack && status > 100 && status < 200) sendPrack(m, rs);
      responses.push(rs);
      for (const w of watchers) if (!w.d.settled && w.test(status)) w.d.resolve(rs);
      if (status >= 200 && status < 300) {
        // RFC 3261 §13.2.2.4: the UAC core ACKs every 2xx (retransmissions too) itself
        if (!dialog) {
          dialog = dialogFromResponse({ stack, contact, sdpFor }, m, rs);
          c.onDialog(callId, dialog);
        }
        // a late offer's 2xx carries the offer: the ACK answers it (RFC 3264 §4)
        dialog.ack(m.headers.cseq?.seq ?? 2, c.lateOffer ? sdpFor('sendrecv', 2) : undefined);
      }
      if (status >= 200 && !finalD.settled) finalD.resolve(rs);
    });
  };
  start(invite(1));
  return {
    callId,
    responses,
    challenges: () => challenges,
    pracks,
    final: finalD.promise,
    response(test) {
      const hit = responses.find((r) => test(r.status ?? 0));
      if (hit) return Promise.resolve(hit);
      const d = deferred<SipMessage>();
      watchers.push({ test, d });
      return d.promise;
    },
    dialog: () => dialog,
    cancel() {
      const sent = current;
      const via = sent?.headers.via?.[0];
      if (!sent || !via) return Promise.reject(new Error('no INVITE sent'));
      // RFC 3261 §9.1: same Request-URI, Call-ID, To, From, CSeq number and top Via as the INVITE
      const rq: SipMessage = {
        method: 'CANCEL',
        uri: sent.uri ?? requestUri,
        headers: {
          via: [{ ...via, params: { ...via.params } }],
          to: remoteAor,
          from: localAor,
          'call-id': callId,
          cseq: { method: 'CANCEL', seq: sent.headers.cseq?.seq ?? 1 },
          'max-forwards': 70,
        },
      };
      return new Promise((resolve) => stack.send(rq, (rs) => (rs.status ?? 0) >= 200 && resolve(rs)));
    },
  };
}
