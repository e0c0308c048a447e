// A scriptable SIP user agent on node-sip (npm `sip`, an independent implementation) for call
// acceptance tests. node-sip runs the transactions (retransmission, ACK of non-2xx finals); the
// UA-core parts it leaves to its user live beside this file: digest answers (sip-digest.ts),
// dialogs (sip-dialog.ts), placing calls (sip-ua-outgoing.ts) and taking them (sip-ua-incoming.ts).
// This file binds the socket, registers, and routes each request to the part that owns it.
// node-sip quirks handled here: it treats a next hop on its own address as a flow token, so a UA
// binds its own loopback address (never the server's); it knows UDP only as we configure it.
import dgram from 'node:dgram';
import { audioSdp, type Direction } from './rtp-peer.js';
import { randomToken, sip, type SipMessage, type SipStack } from './node-sip.js';
import { answerChallenges, type Challenge, type DigestAlgorithm } from './sip-digest.js';
import type { Dialog } from './sip-dialog.js';
import { IncomingCalls, type IncomingCall, type IncomingScript } from './sip-ua-incoming.js';
import { placeCall, type CallOptions, type OutgoingCall } from './sip-ua-outgoing.js';
import { within } from './waiting.js';

export type { Aor, SipMessage, Via } from './node-sip.js';
export type { Dialog } from './sip-dialog.js';
export type { IncomingCall, IncomingScript } from './sip-ua-incoming.js';
export type { OutgoingCall } from './sip-ua-outgoing.js';

export interface SipUa {
  readonly address: string;
  readonly port: number;
  /** the RTP port this UA's SDP offers and answers name */
  readonly mediaPort: number;
  incoming: IncomingScript;
  register(o: { user: string; password: string; expires?: number; algorithm?: DigestAlgorithm }): Promise<number>;
  call(o: CallOptions): OutgoingCall;
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
  const addDialog = (callId: string, dialog: Dialog) => dialogs.set(callId, dialog);
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };
  let closed = false;

  const stack: SipStack = sip.create({ port: o.port, address: o.address, publicAddress: o.address, udp: true, tcp: false, logger: {} }, (rq) => onRequest(rq));
  const incoming = new IncomingCalls({ stack, contact, sdpFor, later, closed: () => closed, script: () => ua.incoming, onAnswer: addDialog });

  function onRequest(rq: SipMessage) {
    const callId = rq.headers['call-id'] ?? '';
    const hasToTag = Boolean(rq.headers.to?.params.tag);
    if (rq.method === 'OPTIONS' && !hasToTag) return stack.send(sip.makeResponse(rq, 200, 'OK'));
    if (rq.method === 'CANCEL') return incoming.cancel(rq);
    if (rq.method === 'INVITE' && !hasToTag) return incoming.invite(rq);
    const dialog = dialogs.get(callId);
    if (!dialog) {
      if (rq.method !== 'ACK') stack.send(sip.makeResponse(rq, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    dialog.onRequest(rq);
  }

  const finalResponse = (m: SipMessage) => new Promise<SipMessage>((resolve) => stack.send(m, (rs) => (rs.status ?? 0) >= 200 && resolve(rs)));

  const ua: SipUa = {
    address: o.address,
    port: o.port,
    mediaPort: media.port,
    incoming: o.incoming ?? { kind: 'ring' },
    calls: incoming.inbox.all,
    register(r) {
      const callId = randomToken();
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
      return within(
        (async () => {
          const first = await finalResponse(request(1));
          if (first.status !== 401) return first.status ?? 0;
          const second = request(2);
          const challenges = (first.headers['www-authenticate'] as Challenge[] | undefined) ?? [];
          const credentials = answerChallenges({ challenges, algorithm: r.algorithm ?? 'SHA-256', user: r.user, password: r.password, method: 'REGISTER', uri: second.uri ?? uri });
          second.headers.authorization = credentials ? [credentials] : undefined;
          return (await finalResponse(second)).status ?? 0;
        })(),
        10_000,
        `REGISTER ${aor}`,
      );
    },
    call: (c) => placeCall({ ...c, stack, domain: o.domain, server: o.server, contact: contact(c.user), sdpFor, onDialog: addDialog }),
    nextIncoming(ms = 5000) {
      return incoming.inbox.next(ms, `an INVITE at ${o.address}:${o.port}`);
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
