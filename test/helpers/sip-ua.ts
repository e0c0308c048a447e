// A scriptable SIP user agent on node-sip (npm `sip`, an independent implementation) for call
// acceptance tests. node-sip runs the transactions (retransmission, ACK of non-2xx finals); this
// file adds the UA-core parts it leaves to its user: digest answers (RFC 7616 §3.4.1, computed here
// with node:crypto), dialogs (RFC 3261 §12), the ACK of a 2xx (§13.2.2.4), CANCEL (§9.1) and
// answering one (§9.2), and retransmitting our own 2xx until its ACK arrives (§13.3.1.4).
// node-sip quirks handled here: it treats a next hop on its own address as a flow token, so a UA
// binds its own loopback address (never the server's); it knows UDP only as we configure it; CANCEL
// must carry the INVITE's Via as sent (it adds no Via of its own to a CANCEL).
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { answerDirection, audioSdp, describeAudio, type Direction } from './rtp-peer.js';

/** node-sip's message object: parsed headers by lower-case name */
export interface Aor {
  name?: string;
  uri: string | Record<string, unknown>;
  params: Record<string, string | null | undefined>;
}
export interface Via {
  version?: string;
  protocol?: string;
  host?: string;
  port?: number;
  params: Record<string, string | null | undefined>;
}
export interface SipMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  version?: string;
  headers: {
    via?: Via[];
    to?: Aor;
    from?: Aor;
    'call-id'?: string;
    cseq?: { method: string; seq: number };
    contact?: Aor[];
    route?: Aor[];
    'record-route'?: Aor[];
    [name: string]: unknown;
  };
  content?: string;
}
interface SipStack {
  send(m: SipMessage, onResponse?: (rs: SipMessage) => void): void;
  destroy(): void;
}

const require = createRequire(import.meta.url);
const sip = require('sip') as {
  create(options: Record<string, unknown>, onRequest: (rq: SipMessage) => void): SipStack;
  makeResponse(rq: SipMessage, status: number, reason: string): SipMessage;
  stringifyUri(uri: unknown): string;
};

/** A bounded wait: rejects naming `what` when `ms` pass first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  settled: boolean;
}
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  const d: Deferred<T> = { promise, settled: false, resolve: (v) => ((d.settled = true), resolve(v)) };
  return d;
}

const unq = (s: string | null | undefined) => (s ?? '').replace(/^"(.*)"$/, '$1');
const hash = (alg: string, text: string) => createHash(alg === 'SHA-256' ? 'sha256' : 'md5').update(text).digest('hex');
const token = () => randomBytes(6).toString('hex');

interface Challenge {
  scheme: string;
  realm?: string;
  nonce?: string;
  opaque?: string;
  algorithm?: string;
  qop?: string;
}

/** RFC 7616 §3.4.1 with qop=auth: response = H(H(A1):nonce:nc:cnonce:qop:H(A2)). */
function digestCredentials(o: { challenges: Challenge[]; algorithm: 'SHA-256' | 'MD5'; user: string; password: string; method: string; uri: string }) {
  const offered = (c: Challenge) => unq(c.algorithm) || 'MD5';
  const chosen = o.challenges.find((c) => offered(c) === o.algorithm) ?? o.challenges[0];
  if (!chosen) return undefined;
  const algorithm = offered(chosen);
  const realm = unq(chosen.realm);
  const nonce = unq(chosen.nonce);
  const cnonce = token();
  const nc = '00000001';
  const ha1 = hash(algorithm, `${o.user}:${realm}:${o.password}`);
  const ha2 = hash(algorithm, `${o.method}:${o.uri}`);
  const response = hash(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return {
    scheme: 'Digest',
    username: `"${o.user}"`,
    realm: `"${realm}"`,
    nonce: `"${nonce}"`,
    uri: `"${o.uri}"`,
    response: `"${response}"`,
    algorithm,
    cnonce: `"${cnonce}"`,
    qop: 'auth',
    nc,
    ...(chosen.opaque ? { opaque: chosen.opaque } : {}),
  };
}

const uriText = (u: Aor['uri']): string => (typeof u === 'string' ? u : sip.stringifyUri(u));

/** A waiting line for things that arrive (incoming calls, re-INVITEs) that a test takes one by one. */
class Inbox<T> {
  readonly all: T[] = [];
  #queue: T[] = [];
  #waiters: ((v: T) => void)[] = [];
  push(v: T) {
    this.all.push(v);
    const w = this.#waiters.shift();
    if (w) w(v);
    else this.#queue.push(v);
  }
  next(ms: number, what: string): Promise<T> {
    const ready = this.#queue.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    let waiter!: (v: T) => void;
    const p = new Promise<T>((resolve) => (waiter = resolve));
    this.#waiters.push(waiter);
    return within(p, ms, what).catch((err: unknown) => {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      throw err;
    });
  }
}

interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  localAor: Aor;
  remoteAor: Aor;
  remoteTarget: string;
  /** §12.1.1: the UAS keeps Record-Route in order; §12.1.2: the UAC reverses it */
  routeSet: Aor[];
}
interface DialogContext {
  stack: SipStack;
  contact: string;
  sdpFor: (d: Direction, version: number) => string;
}

/**
 * RFC 3261 §12: the state both ends keep for a dialog, and the requests sent within it. The UAS
 * answers re-INVITEs itself: RFC 3264 §6.1 direction mirrored (sendonly offered → recvonly answered).
 */
export class Dialog {
  /** the ACK of the 2xx that set up the dialog (UAS side) */
  readonly acked = deferred<SipMessage>();
  /** a BYE from the far end */
  readonly bye = deferred<SipMessage>();
  /** re-INVITEs received, each answered already */
  readonly reinvites = new Inbox<SipMessage>();
  #localSeq: number;
  #sdpVersion = 1;
  #acks = new Map<number, SipMessage>();
  #closed = false;

  constructor(
    readonly state: Readonly<DialogState>,
    private readonly context: DialogContext,
    localSeq: number,
  ) {
    this.#localSeq = localSeq;
  }

  get callId(): string {
    return this.state.callId;
  }

  nextSdpVersion(): number {
    return ++this.#sdpVersion; // RFC 3264 §8: each new offer or answer increments o= version
  }

  #headers(method: string, seq: number): SipMessage['headers'] {
    const { localAor, remoteAor, localTag, remoteTag, routeSet } = this.state;
    return {
      to: { ...remoteAor, params: { tag: remoteTag } },
      from: { ...localAor, params: { tag: localTag } },
      'call-id': this.callId,
      cseq: { method, seq },
      'max-forwards': 70,
      // node-sip shifts the Route list it is given: hand it a copy
      ...(routeSet.length ? { route: routeSet.map((r) => ({ ...r })) } : {}),
    };
  }

  /** a response to `rq` carrying our tag (and Contact on 1xx/2xx to INVITE, §12.1.1) */
  response(rq: SipMessage, status: number, reason: string, content?: string): SipMessage {
    const to = rq.headers.to ?? { uri: '', params: {} };
    return {
      status,
      reason,
      headers: {
        via: rq.headers.via,
        to: { ...to, params: { ...to.params, tag: this.state.localTag } },
        from: rq.headers.from,
        'call-id': rq.headers['call-id'],
        cseq: rq.headers.cseq,
        ...(rq.method === 'INVITE' && status < 300 && status > 100 ? { contact: [{ uri: this.context.contact, params: {} }] } : {}),
        ...(content ? { 'content-type': 'application/sdp' } : {}),
      },
      ...(content ? { content } : {}),
    };
  }

  /** RFC 3261 §13.2.2.4: ACK for a 2xx, CSeq number of the INVITE; the same ACK again for a retransmitted 2xx */
  ack(seq: number): void {
    let m = this.#acks.get(seq);
    if (!m) {
      m = { method: 'ACK', uri: this.state.remoteTarget, headers: { via: [], ...this.#headers('ACK', seq) } };
      this.#acks.set(seq, m);
    }
    if (!this.#closed) this.context.stack.send(m);
  }

  /** a request within the dialog (§12.2.1.1); resolves with its final response */
  request(method: string, content?: string): Promise<SipMessage> {
    const seq = ++this.#localSeq;
    const headers = this.#headers(method, seq);
    if (method === 'INVITE') headers.contact = [{ uri: this.context.contact, params: {} }];
    if (content) headers['content-type'] = 'application/sdp';
    const m: SipMessage = { method, uri: this.state.remoteTarget, headers, ...(content ? { content } : {}) };
    return within(
      new Promise<SipMessage>((resolve) =>
        this.context.stack.send(m, (rs) => {
          const status = rs.status ?? 0;
          if (method === 'INVITE' && status >= 200 && status < 300) this.ack(seq);
          if (status >= 200) resolve(rs);
        }),
      ),
      10_000,
      `the final response to ${method} in dialog ${this.callId}`,
    );
  }

  /** RFC 3261 §15.1.1 */
  sendBye(): Promise<SipMessage> {
    return this.request('BYE');
  }

  /** RFC 3264 §8.4: a re-INVITE offering `direction` (hold: sendonly; resume: sendrecv) */
  reinvite(direction: Direction): Promise<SipMessage> {
    return this.request('INVITE', this.context.sdpFor(direction, this.nextSdpVersion()));
  }

  onRequest(rq: SipMessage): void {
    const stack = this.context.stack;
    switch (rq.method) {
      case 'ACK':
        if (!this.acked.settled) this.acked.resolve(rq);
        return;
      case 'BYE':
        // RFC 3261 §15.1.2: a UAS receiving BYE answers 2xx and ends the session
        stack.send(this.response(rq, 200, 'OK'));
        if (!this.bye.settled) this.bye.resolve(rq);
        return;
      case 'INVITE': {
        const offer = describeAudio(rq.content);
        const direction = typeof offer === 'string' ? 'sendrecv' : answerDirection(offer.direction);
        stack.send(this.response(rq, 200, 'OK', this.context.sdpFor(direction, this.nextSdpVersion())));
        this.reinvites.push(rq);
        return;
      }
      case 'OPTIONS':
      case 'UPDATE':
      case 'INFO':
        stack.send(this.response(rq, 200, 'OK'));
        return;
      default:
        stack.send(this.response(rq, 501, 'Not Implemented'));
    }
  }

  close(): void {
    this.#closed = true;
  }
}

const NO_AOR: Aor = { uri: '', params: {} };

function dialogFromResponse(c: DialogContext, invite: SipMessage, response: SipMessage): Dialog {
  const rs = response.headers;
  const state = {
    callId: rs['call-id'] ?? '',
    localAor: invite.headers.from ?? NO_AOR,
    remoteAor: rs.to ?? NO_AOR,
    localTag: invite.headers.from?.params.tag ?? '',
    remoteTag: rs.to?.params.tag ?? '',
    remoteTarget: uriText(rs.contact?.[0]?.uri ?? invite.uri ?? ''),
    routeSet: [...(rs['record-route'] ?? [])].reverse(),
  };
  return new Dialog(state, c, invite.headers.cseq?.seq ?? 1);
}

function dialogFromRequest(c: DialogContext, invite: SipMessage, localTag: string): Dialog {
  const rq = invite.headers;
  const state = {
    callId: rq['call-id'] ?? '',
    localAor: rq.to ?? NO_AOR,
    remoteAor: rq.from ?? NO_AOR,
    localTag,
    remoteTag: rq.from?.params.tag ?? '',
    remoteTarget: uriText(rq.contact?.[0]?.uri ?? ''),
    routeSet: [...(rq['record-route'] ?? [])],
  };
  return new Dialog(state, c, 0);
}

/** How the UA answers a new incoming INVITE. */
export type IncomingScript =
  | { kind: 'ring' } // 180, then wait (for a CANCEL or the test)
  | { kind: 'answer'; afterMs?: number } // 180, then 200 with SDP
  | { kind: 'reject'; status: number; reason?: string }; // a final error at once

export interface IncomingCall {
  readonly invite: SipMessage;
  readonly dialog: Dialog;
  readonly cancel: Promise<SipMessage>;
  readonly ack: Promise<SipMessage>;
  /** the final status this UA sent (set once sent) */
  finalStatus(): number | undefined;
  ring(): void;
  answer(): void;
  reject(status: number, reason?: string): void;
}

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
}

export interface SipUa {
  readonly address: string;
  readonly port: number;
  /** the RTP port this UA's SDP offers and answers name */
  readonly mediaPort: number;
  incoming: IncomingScript;
  register(o: { user: string; password: string; expires?: number; algorithm?: 'SHA-256' | 'MD5' }): Promise<number>;
  call(o: { to: string; user: string; password: string; displayName?: string; algorithm?: 'SHA-256' | 'MD5' }): OutgoingCall;
  /** the next incoming INVITE not yet taken by a test */
  nextIncoming(ms?: number): Promise<IncomingCall>;
  /** incoming calls so far, in arrival order */
  readonly calls: IncomingCall[];
  close(): Promise<void>;
}

export interface SipUaOptions {
  /** a loopback address of its own (node-sip quirk above) */
  address: string;
  port: number;
  /** SIP domain (AOR host) */
  domain: string;
  server: { host: string; port: number };
  incoming?: IncomingScript;
  /** where this phone receives RTP; default a silent socket of the UA's own */
  media?: { address: string; port: number };
}

export async function startSipUa(o: SipUaOptions): Promise<SipUa> {
  // a real socket behind the default SDP, so relayed media has somewhere to go
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, o.address, () => resolve()));
  sink.on('message', () => {});
  const media = o.media ?? { address: o.address, port: sink.address().port };
  const sessionId = String(Date.now());
  const sdpFor = (direction: Direction, version: number) => audioSdp({ address: media.address, port: media.port, direction, sessionId, version });
  const contact = (user: string) => `sip:${user}@${o.address}:${o.port}`;
  const dialogs = new Map<string, Dialog>();
  const pending = new Map<string, { call: IncomingCall; cancelled: Deferred<SipMessage>; respond(status: number, reason: string): void }>();
  const incoming = new Inbox<IncomingCall>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };

  const stack: SipStack = sip.create({ port: o.port, address: o.address, publicAddress: o.address, udp: true, tcp: false, logger: {} }, (rq) => onRequest(rq));

  function onRequest(rq: SipMessage) {
    const callId = rq.headers['call-id'] ?? '';
    const hasToTag = Boolean(rq.headers.to?.params.tag);
    if (rq.method === 'OPTIONS' && !hasToTag) return stack.send(sip.makeResponse(rq, 200, 'OK'));
    if (rq.method === 'CANCEL') {
      // RFC 3261 §9.2: 200 to the CANCEL; the INVITE, if still unanswered, gets 487
      const p = pending.get(callId);
      stack.send(sip.makeResponse(rq, p ? 200 : 481, p ? 'OK' : 'Call/Transaction Does Not Exist'));
      if (p) {
        p.cancelled.resolve(rq);
        p.respond(487, 'Request Terminated');
      }
      return;
    }
    if (rq.method === 'INVITE' && !hasToTag) return newIncoming(rq);
    const dialog = dialogs.get(callId);
    if (!dialog) {
      if (rq.method !== 'ACK') stack.send(sip.makeResponse(rq, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    dialog.onRequest(rq);
  }

  function newIncoming(invite: SipMessage) {
    const callId = invite.headers['call-id'] ?? '';
    const toUser = /^sips?:([^@;]+)@/.exec(invite.uri ?? '')?.[1] ?? 'ua';
    const dialog = dialogFromRequest({ stack, contact: contact(toUser), sdpFor }, invite, token());
    const cancelled = deferred<SipMessage>();
    let final: number | undefined;
    const respond = (status: number, reason: string, content?: string) => {
      if (final !== undefined) return;
      if (status >= 200) {
        final = status;
        pending.delete(callId);
      }
      const rs = dialog.response(invite, status, reason, content);
      stack.send(rs);
      // RFC 3261 §13.3.1.4: the UAS core retransmits its 2xx until the ACK arrives (T1 doubling;
      // stopped after 3.5 s rather than 64*T1, which is plenty on loopback and keeps teardown short)
      if (status >= 200 && status < 300) {
        const resend = (t: number) =>
          later(t, () => {
            if (!dialog.acked.settled && t < 4000 && !closed) {
              stack.send(rs);
              resend(t * 2);
            }
          });
        resend(500);
      }
    };
    const call: IncomingCall = {
      invite,
      dialog,
      cancel: cancelled.promise,
      ack: dialog.acked.promise,
      finalStatus: () => final,
      ring: () => respond(180, 'Ringing'),
      answer: () => {
        const offer = describeAudio(invite.content);
        const direction = typeof offer === 'string' ? 'sendrecv' : answerDirection(offer.direction);
        dialogs.set(callId, dialog);
        respond(200, 'OK', sdpFor(direction, dialog.nextSdpVersion()));
      },
      reject: (status, reason = 'Rejected') => respond(status, reason),
    };
    pending.set(callId, { call, cancelled, respond });
    incoming.push(call);
    const script = ua.incoming;
    if (script.kind === 'reject') return call.reject(script.status, script.reason ?? 'Busy Here');
    call.ring();
    if (script.kind === 'answer') later(script.afterMs ?? 0, () => call.answer());
  }

  let closed = false;
  const send = (m: SipMessage, onResponse: (rs: SipMessage) => void) => stack.send(m, onResponse);

  const ua: SipUa = {
    address: o.address,
    port: o.port,
    mediaPort: media.port,
    incoming: o.incoming ?? { kind: 'ring' },
    calls: incoming.all,
    register(r) {
      const callId = token();
      const aor = `sip:${r.user}@${o.domain}`;
      const uri = `sip:${o.domain}`;
      const request = (seq: number): SipMessage => ({
        method: 'REGISTER',
        uri: `sip:${o.server.host}:${o.server.port}`,
        headers: {
          to: { uri: aor, params: {} },
          from: { uri: aor, params: { tag: callId.slice(0, 6) } },
          'call-id': callId,
          cseq: { method: 'REGISTER', seq },
          contact: [{ uri: contact(r.user), params: { expires: String(r.expires ?? 3600) } }],
          'max-forwards': 70,
          'user-agent': 'node-sip interop',
        },
      });
      const final = (m: SipMessage) => new Promise<SipMessage>((resolve) => send(m, (rs) => (rs.status ?? 0) >= 200 && resolve(rs)));
      return within(
        (async () => {
          const first = await final(request(1));
          if (first.status !== 401) return first.status ?? 0;
          const second = request(2);
          const challenges = (first.headers['www-authenticate'] as Challenge[] | undefined) ?? [];
          const credentials = digestCredentials({ challenges, algorithm: r.algorithm ?? 'SHA-256', user: r.user, password: r.password, method: 'REGISTER', uri: second.uri ?? uri });
          second.headers.authorization = credentials ? [credentials] : undefined;
          return (await final(second)).status ?? 0;
        })(),
        10_000,
        `REGISTER ${aor}`,
      );
    },
    call(c) {
      const callId = token();
      const localAor: Aor = { uri: `sip:${c.user}@${o.domain}`, params: { tag: token() }, ...(c.displayName ? { name: `"${c.displayName}"` } : {}) };
      const remoteAor: Aor = { uri: `sip:${c.to}@${o.domain}`, params: {} };
      // the dialled number at the server's address, as a phone without an outbound proxy sends it
      const requestUri = `sip:${c.to}@${o.server.host}:${o.server.port}`;
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
          contact: [{ uri: contact(c.user), params: {} }],
          'max-forwards': 70,
          'user-agent': 'node-sip interop',
          'content-type': 'application/sdp',
          ...(auth ? { 'proxy-authorization': [auth] } : {}),
        },
        content: sdpFor('sendrecv', 1),
      });
      const start = (m: SipMessage) => {
        current = m;
        send(m, (rs) => {
          if (m !== current) return; // a late answer to the unauthenticated attempt
          const status = rs.status ?? 0;
          if (status === 407 && challenges === 0) {
            challenges++;
            const list = (rs.headers['proxy-authenticate'] as Challenge[] | undefined) ?? [];
            const auth = digestCredentials({ challenges: list, algorithm: c.algorithm ?? 'SHA-256', user: c.user, password: c.password, method: 'INVITE', uri: requestUri });
            return start(invite(2, auth));
          }
          if (status === 407) challenges++;
          responses.push(rs);
          for (const w of watchers) if (!w.d.settled && w.test(status)) w.d.resolve(rs);
          if (status >= 200 && status < 300) {
            // RFC 3261 §13.2.2.4: the UAC core ACKs every 2xx (retransmissions too) itself
            if (!dialog) {
              dialog = dialogFromResponse({ stack, contact: contact(c.user), sdpFor }, m, rs);
              dialogs.set(callId, dialog);
            }
            dialog.ack(m.headers.cseq?.seq ?? 2);
          }
          if (status >= 200 && !finalD.settled) finalD.resolve(rs);
        });
      };
      start(invite(1));
      return {
        callId,
        responses,
        challenges: () => challenges,
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
          return new Promise((resolve) => send(rq, (rs) => (rs.status ?? 0) >= 200 && resolve(rs)));
        },
      };
    },
    nextIncoming(ms = 5000) {
      return incoming.next(ms, `an INVITE at ${o.address}:${o.port}`);
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const d of dialogs.values()) d.close();
      stack.destroy();
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    },
  };
  return ua;
}

/** A call record as `GET /api/v1/cdrs` lists it (the fields the call tests assert on). */
export interface CallRecordLeg {
  id: string;
  role: 'caller' | 'callee';
  sipCallId: string;
  uri: string;
  transport: string;
  sourceAddress: string;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  sipStatus: number | null;
  codec: string | null;
  packetsReceived: number;
  packetsSent: number;
}
export interface CallRecord {
  id: string;
  caller: string;
  callerName: string | null;
  callee: string;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  durationS: number | null;
  billableS: number | null;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CANCELLED' | 'INTERRUPTED' | null;
  hangupCause: string | null;
  sipStatus: number | null;
  hangupBy: 'caller' | 'callee' | 'system' | null;
  codec: string | null;
  legs: CallRecordLeg[];
}

type Api = <T>(method: string, route: string) => Promise<{ status: number; body: T }>;

/** the records listing `number`, up to 200 */
export async function listCallRecords(api: Api, number: string): Promise<CallRecord[]> {
  const r = await api<{ items: CallRecord[] }>('GET', `/api/v1/cdrs?number=${encodeURIComponent(number)}&limit=200`);
  if (r.status !== 200 || !Array.isArray(r.body.items)) throw new Error(`GET /api/v1/cdrs?number=${number}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.items;
}

/**
 * The record whose caller leg carries `callId` once it has a disposition. Records go through a
 * batching writer, so this polls (every 100 ms, at most `ms`) instead of expecting it at once.
 */
export async function finalCallRecord(o: { api: Api; number: string; callId: string; ms?: number }): Promise<CallRecord> {
  const deadline = Date.now() + (o.ms ?? 5000);
  for (;;) {
    const items = await listCallRecords(o.api, o.number);
    const hit = items.find((c) => c.legs?.some((l) => l.role === 'caller' && l.sipCallId === o.callId));
    if (hit && hit.disposition !== null) return hit;
    if (Date.now() > deadline) throw new Error(`no final record for Call-ID ${o.callId} within ${o.ms ?? 5000} ms; records for ${o.number}: ${JSON.stringify(items)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
