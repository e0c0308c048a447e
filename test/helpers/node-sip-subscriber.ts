// node-sip (npm `sip`, an independent SIP implementation) as a subscriber (RFC 6665 §4.1): it sends
// SUBSCRIBE with digest (answering a 401 or 407), keeps the dialog the 200 makes, answers every
// NOTIFY 200 and records them, and can refresh or end the subscription inside the dialog.
import { sip, randomToken, type SipMessage } from './node-sip.js';
import { PHONE_ADDRESS } from './node-sip-phone.js';
import { answerChallenges, type Challenge } from './sip-digest.js';

export interface ReceivedNotify {
  readonly event: string;
  readonly state: string;
  readonly contentType: string;
  readonly body: string;
  readonly cseq: number;
  /** the Require header (RFC 4662: eventlist on a list's NOTIFY) */
  readonly require: string;
}

export interface Subscriber {
  readonly notifies: ReceivedNotify[];
  /** SUBSCRIBE (new, or in the dialog once one exists); resolves with the final status */
  subscribe(o: { expires: number; accept?: string; supported?: string }): Promise<number>;
  /** waits for a NOTIFY (after the first `since`) that matches */
  waitForNotify(match: (n: ReceivedNotify) => boolean, o?: { since?: number; timeoutMs?: number }): Promise<ReceivedNotify>;
  close(): void;
}

export function startSubscriber(o: { port: number; user: string; password: string; domain: string; server: { host: string; port: number }; target: string; event: string }): Subscriber {
  const notifies: ReceivedNotify[] = [];
  const stack = sip.create({ port: o.port, address: PHONE_ADDRESS, publicAddress: PHONE_ADDRESS, udp: true, tcp: false, logger: {} }, (rq) => {
    if (rq.method === 'NOTIFY') {
      const type = rq.headers['content-type'] as { type?: string } | string | undefined;
      notifies.push({
        event: String(rq.headers.event ?? ''),
        state: String(rq.headers['subscription-state'] ?? ''),
        contentType: typeof type === 'string' ? type : (type?.type ?? ''),
        body: rq.content ?? '',
        cseq: rq.headers.cseq?.seq ?? 0,
        require: String(rq.headers.require ?? ''),
      });
    }
    stack.send(sip.makeResponse(rq, 200, 'OK'));
  });
  const callId = randomToken();
  const fromTag = randomToken();
  let toTag: string | undefined;
  let cseq = 0;
  const uri = `sip:${o.target}@${o.domain}`;
  const send = (m: SipMessage) =>
    new Promise<SipMessage>((resolve) => {
      stack.send(m, (rs) => {
        if ((rs.status ?? 0) >= 200) resolve(rs);
      });
    });
  const request = (s: { expires: number; accept?: string; supported?: string }, auth?: Record<string, string>, authHeader?: string): SipMessage => ({
    method: 'SUBSCRIBE',
    uri,
    headers: {
      to: { uri, params: toTag ? { tag: toTag } : {} },
      from: { uri: `sip:${o.user}@${o.domain}`, params: { tag: fromTag } },
      'call-id': callId,
      cseq: { method: 'SUBSCRIBE', seq: ++cseq },
      contact: [{ uri: `sip:${o.user}@${PHONE_ADDRESS}:${o.port}`, params: {} }],
      event: o.event,
      expires: s.expires,
      ...(s.accept ? { accept: s.accept } : {}),
      ...(s.supported ? { supported: s.supported } : {}),
      'max-forwards': 70,
      'user-agent': 'node-sip subscriber',
      route: [{ uri: `sip:${o.server.host}:${o.server.port};lr`, params: {} }],
      ...(auth && authHeader ? { [authHeader]: [auth] } : {}),
    },
  });
  return {
    notifies,
    async subscribe(s) {
      let rs = await send(request(s));
      if (rs.status === 401 || rs.status === 407) {
        const header = rs.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
        const challenges = (rs.headers[header] as Challenge[] | undefined) ?? [];
        const auth = answerChallenges({ challenges, algorithm: 'SHA-256', user: o.user, password: o.password, method: 'SUBSCRIBE', uri });
        rs = await send(request(s, auth, rs.status === 401 ? 'authorization' : 'proxy-authorization'));
      }
      if ((rs.status ?? 0) < 300 && rs.headers.to?.params.tag) toTag = rs.headers.to.params.tag ?? undefined;
      return rs.status ?? 0;
    },
    async waitForNotify(match, w = {}) {
      const since = w.since ?? 0;
      let found: ReceivedNotify | undefined;
      const deadline = Date.now() + (w.timeoutMs ?? 20_000);
      while ((found = notifies.slice(since).find(match)) === undefined) {
        if (Date.now() > deadline) throw new Error(`no matching NOTIFY; got ${JSON.stringify(notifies.slice(since), null, 1)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return found;
    },
    close: () => stack.destroy(),
  };
}
