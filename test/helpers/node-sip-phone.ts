// node-sip (npm `sip`, an independent SIP implementation) as a registering UA over real UDP. It
// builds, sends, retransmits and parses the messages; the digest answer comes from sip-digest.ts
// (node-sip's own digest code knows MD5 only).
import { randomBytes } from 'node:crypto';
import { sip, type SipMessage } from './node-sip.js';
import { challengeAlgorithm, digestCredentials, type Challenge, type DigestAlgorithm } from './sip-digest.js';

/** node-sip treats a next hop on its own address as a flow token, so it lives on its own loopback address */
export const PHONE_ADDRESS = '127.0.0.5';

export interface NodeSipPhone {
  readonly port: number;
  /** REGISTER with digest answered for `algorithm`; resolves with the final status and the algorithms offered */
  register(o: { user: string; password: string; domain: string; server: { host: string; port: number }; algorithm: DigestAlgorithm; expires?: number }): Promise<{ status: number; offered: string[] }>;
  close(): void;
}

/**
 * `onRequest` sees every request the phone gets; OPTIONS and NOTIFY (e.g. check-sync) are answered
 * 200. `declineInvites` answers an INVITE with that status (e.g. 480), so a call to the extension
 * goes on at once instead of waiting on a phone that never answers.
 */
export function startNodeSipPhone(port: number, o: { onRequest?: (rq: SipMessage) => void; declineInvites?: number } = {}): NodeSipPhone {
  const stack = sip.create({ port, address: PHONE_ADDRESS, publicAddress: PHONE_ADDRESS, udp: true, tcp: false, logger: {} }, (rq) => {
    o.onRequest?.(rq);
    // answer keepalive OPTIONS like a phone would
    if (rq.method === 'OPTIONS' || rq.method === 'NOTIFY') stack.send(sip.makeResponse(rq, 200, 'OK'));
    else if (rq.method === 'INVITE' && o.declineInvites !== undefined) stack.send(sip.makeResponse(rq, o.declineInvites, 'Declined'));
  });
  const send = (m: SipMessage) =>
    new Promise<SipMessage>((resolve) => {
      stack.send(m, (rs) => {
        if ((rs.status ?? 0) >= 200) resolve(rs);
      });
    });
  return {
    port,
    async register(o) {
      const callId = randomBytes(8).toString('hex');
      const uri = `sip:${o.domain}`;
      const request = (cseq: number): SipMessage => ({
        method: 'REGISTER',
        uri,
        headers: {
          to: { uri: `sip:${o.user}@${o.domain}`, params: {} },
          from: { uri: `sip:${o.user}@${o.domain}`, params: { tag: callId.slice(0, 6) } },
          'call-id': callId,
          cseq: { method: 'REGISTER', seq: cseq },
          contact: [{ uri: `sip:${o.user}@${PHONE_ADDRESS}:${port}`, params: { expires: String(o.expires ?? 3600) } }],
          'max-forwards': 70,
          'user-agent': 'node-sip interop',
          route: [{ uri: `sip:${o.server.host}:${o.server.port};lr`, params: {} }],
        },
      });
      const first = await send(request(1));
      const challenges = (first.headers['www-authenticate'] as Challenge[] | undefined) ?? [];
      const offered = challenges.map(challengeAlgorithm);
      if (first.status !== 401) return { status: first.status ?? 0, offered };
      // only the algorithm under test: a phone that cannot answer it stays unregistered
      const challenge = challenges.find((c) => challengeAlgorithm(c) === o.algorithm);
      if (!challenge) return { status: 401, offered };
      const second = request(2);
      second.headers.authorization = [digestCredentials({ challenge, user: o.user, password: o.password, method: 'REGISTER', uri })];
      const final = await send(second);
      return { status: final.status ?? 0, offered };
    },
    close: () => stack.destroy(),
  };
}
