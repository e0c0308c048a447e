// node-sip (npm `sip`, an independent SIP implementation) as a registering UA over real UDP. It
// builds, sends, retransmits and parses the messages; the digest answer is computed here from the
// RFC 7616 §3.4.1 formulas with node:crypto (node-sip's own digest code knows MD5 only).
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

interface NodeSipMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  headers: Record<string, unknown>;
  content?: string;
}
interface NodeSipStack {
  send(m: NodeSipMessage, callback?: (rs: NodeSipMessage) => void): void;
  destroy(): void;
}
interface Challenge {
  scheme: string;
  realm?: string;
  nonce?: string;
  opaque?: string;
  algorithm?: string;
  qop?: string;
}

const require = createRequire(import.meta.url);
const sip = require('sip') as { create(options: Record<string, unknown>, onRequest: (rq: NodeSipMessage) => void): NodeSipStack; makeResponse(rq: NodeSipMessage, status: number, reason: string): NodeSipMessage };

/** node-sip treats a next hop on its own address as a flow token, so it lives on its own loopback address */
export const PHONE_ADDRESS = '127.0.0.5';

const unq = (s: string | undefined) => (s ?? '').replace(/^"(.*)"$/, '$1');
const hash = (alg: string, text: string) => createHash(alg === 'SHA-256' ? 'sha256' : 'md5').update(text).digest('hex');

export interface NodeSipPhone {
  readonly port: number;
  /** REGISTER with digest answered for `algorithm`; resolves with the final status and the algorithms offered */
  register(o: { user: string; password: string; domain: string; server: { host: string; port: number }; algorithm: 'SHA-256' | 'MD5'; expires?: number }): Promise<{ status: number; offered: string[] }>;
  close(): void;
}

export function startNodeSipPhone(port: number): NodeSipPhone {
  const stack = sip.create({ port, address: PHONE_ADDRESS, publicAddress: PHONE_ADDRESS, udp: true, tcp: false, logger: {} }, (rq) => {
    // answer keepalive OPTIONS like a phone would
    if (rq.method === 'OPTIONS') stack.send(sip.makeResponse(rq, 200, 'OK'));
  });
  const send = (m: NodeSipMessage) =>
    new Promise<NodeSipMessage>((resolve) => {
      stack.send(m, (rs) => {
        if ((rs.status ?? 0) >= 200) resolve(rs);
      });
    });
  return {
    port,
    async register(o) {
      const callId = randomBytes(8).toString('hex');
      const request = (cseq: number): NodeSipMessage => ({
        method: 'REGISTER',
        uri: `sip:${o.domain}`,
        headers: {
          to: { uri: `sip:${o.user}@${o.domain}` },
          from: { uri: `sip:${o.user}@${o.domain}`, params: { tag: callId.slice(0, 6) } },
          'call-id': callId,
          cseq: { method: 'REGISTER', seq: cseq },
          contact: [{ uri: `sip:${o.user}@${PHONE_ADDRESS}:${port}`, params: { expires: o.expires ?? 3600 } }],
          'max-forwards': 70,
          'user-agent': 'node-sip interop',
          route: [{ uri: `sip:${o.server.host}:${o.server.port};lr` }],
        },
      });
      const first = await send(request(1));
      const challenges = (first.headers['www-authenticate'] as Challenge[] | undefined) ?? [];
      const offered = challenges.map((c) => unq(c.algorithm) || 'MD5');
      if (first.status !== 401) return { status: first.status ?? 0, offered };
      const chosen = challenges.find((c) => (unq(c.algorithm) || 'MD5') === o.algorithm);
      if (!chosen) return { status: 401, offered };
      const realm = unq(chosen.realm);
      const nonce = unq(chosen.nonce);
      const uri = `sip:${o.domain}`;
      const cnonce = randomBytes(8).toString('hex');
      const nc = '00000001';
      const ha1 = hash(o.algorithm, `${o.user}:${realm}:${o.password}`);
      const ha2 = hash(o.algorithm, `REGISTER:${uri}`);
      const response = hash(o.algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
      const second = request(2);
      second.headers.authorization = [
        {
          scheme: 'Digest',
          username: `"${o.user}"`,
          realm: `"${realm}"`,
          nonce: `"${nonce}"`,
          uri: `"${uri}"`,
          response: `"${response}"`,
          algorithm: o.algorithm,
          cnonce: `"${cnonce}"`,
          qop: 'auth',
          nc,
          ...(chosen.opaque ? { opaque: chosen.opaque } : {}),
        },
      ];
      const final = await send(second);
      return { status: final.status ?? 0, offered };
    },
    close: () => stack.destroy(),
  };
}
