// A carrier played by node-sip (npm `sip`, an independent implementation): a registrar that
// challenges REGISTER with 401 and INVITE with 407 and checks the digest answers from the RFC 7616
// §3.4.1 formulas (test/helpers/sip-digest.ts's hashes, not Hailing's code), and a UAS that answers
// INVITEs with 100/180/200 and SDP (PCMA). It records what arrived and when, for the tests to read.
// stop() keeps the socket and drops everything: a carrier that went silent.
import { createHash } from 'node:crypto';
import { randomToken, sip, type SipMessage, type SipStack } from './node-sip.js';

export interface CarrierRegister {
  readonly at: number;
  readonly expires: number;
  /** the previous binding had not run out when this refresh arrived */
  readonly beforeExpiry: boolean | null;
  readonly contact: string;
}
export interface CarrierInvite {
  readonly at: number;
  readonly rq: SipMessage;
}

export interface Carrier {
  readonly address: string;
  readonly port: number;
  readonly registers: CarrierRegister[];
  /** every INVITE (challenged or not) as it arrived */
  readonly invitesSeen: CarrierInvite[];
  /** INVITEs that carried valid credentials (or arrived when no auth is asked) */
  readonly invites: CarrierInvite[];
  readonly options: number[];
  stop(): void;
  close(): void;
}

const unq = (s: unknown) => String(s ?? '').replace(/^"(.*)"$/, '$1');
const md5 = (t: string) => createHash('md5').update(t).digest('hex');

export interface CarrierOptions {
  address: string;
  port: number;
  realm: string;
  user?: string;
  password?: string;
  grantExpires?: number;
  challengeInvites?: boolean;
  /** also listen for TLS on this port with this key and certificate (PEM) */
  tls?: { port: number; key: string; cert: string };
}

export function startCarrier(o: CarrierOptions): Carrier {
  const registers: CarrierRegister[] = [];
  const invitesSeen: CarrierInvite[] = [];
  const invites: CarrierInvite[] = [];
  const options: number[] = [];
  let stopped = false;
  let bindingUntil: number | null = null;
  const nonce = randomToken();
  // node-sip serializes challenges from objects with their values quoted as they go on the wire
  const challenge = { scheme: 'Digest', realm: `"${o.realm}"`, nonce: `"${nonce}"`, qop: '"auth"', algorithm: 'MD5' };
  const authorized = (rq: SipMessage, header: string): boolean => {
    const list = rq.headers[header] as Record<string, string>[] | undefined;
    const a = list?.[0];
    if (!a || o.user === undefined) return false;
    const ha1 = md5(`${unq(a['username'])}:${o.realm}:${o.password}`);
    const ha2 = md5(`${rq.method}:${unq(a['uri'])}`);
    const expected = md5(`${ha1}:${unq(a['nonce'])}:${unq(a['nc'])}:${unq(a['cnonce'])}:auth:${ha2}`);
    return unq(a['username']) === o.user && unq(a['nonce']) === nonce && unq(a['response']) === expected;
  };
  const respond = (rq: SipMessage, status: number, reason: string, extra: Record<string, unknown> = {}, content?: string) => {
    const rs = sip.makeResponse(rq, status, reason);
    if (status > 100 && rs.headers.to) rs.headers.to.params = { ...rs.headers.to.params, tag: rs.headers.to.params['tag'] ?? tags.get(rq.headers['call-id'] ?? '') ?? 'carrier' };
    Object.assign(rs.headers, extra);
    if (content !== undefined) rs.content = content;
    stack.send(rs);
  };
  const tags = new Map<string, string>();
  const sdp = (port: number) => ['v=0', `o=carrier 1 1 IN IP4 ${o.address}`, 's=-', `c=IN IP4 ${o.address}`, 't=0 0', `m=audio ${port} RTP/AVP 8 101`, 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', ''].join('\r\n');
  const tls = o.tls ? { tls: { key: o.tls.key, cert: o.tls.cert }, tls_port: o.tls.port } : {};
  const stack: SipStack = sip.create({ port: o.port, address: o.address, publicAddress: o.address, udp: true, tcp: false, ...tls, logger: {} }, (rq) => {
    if (stopped) return;
    const now = Date.now();
    if (rq.method === 'REGISTER') {
      if (!authorized(rq, 'authorization')) return respond(rq, 401, 'Unauthorized', { 'www-authenticate': [challenge] });
      const expires = Number(rq.headers['expires'] ?? 3600);
      const granted = expires === 0 ? 0 : Math.min(expires, o.grantExpires ?? expires);
      registers.push({ at: now, expires: granted, beforeExpiry: bindingUntil === null ? null : now < bindingUntil, contact: JSON.stringify(rq.headers.contact) });
      bindingUntil = granted === 0 ? null : now + granted * 1000;
      const contact = (rq.headers.contact ?? []).map((c) => ({ ...c, params: { ...c.params, expires: String(granted) } }));
      return respond(rq, 200, 'OK', { contact, expires: granted });
    }
    if (rq.method === 'OPTIONS') {
      options.push(now);
      return respond(rq, 200, 'OK');
    }
    if (rq.method === 'INVITE' && !rq.headers.to?.params['tag']) {
      invitesSeen.push({ at: now, rq });
      if (o.challengeInvites !== false && !authorized(rq, 'proxy-authorization')) return respond(rq, 407, 'Proxy Authentication Required', { 'proxy-authenticate': [challenge] });
      invites.push({ at: now, rq });
      tags.set(rq.headers['call-id'] ?? '', randomToken());
      respond(rq, 180, 'Ringing');
      const contact = [{ uri: `sip:carrier@${o.address}:${o.port}`, params: {} }];
      setTimeout(() => !stopped && respond(rq, 200, 'OK', { contact, 'content-type': 'application/sdp' }, sdp(40000 + (o.port % 1000))), 50);
      return;
    }
    if (rq.method === 'BYE') return respond(rq, 200, 'OK');
    if (rq.method === 'CANCEL') return respond(rq, 200, 'OK');
    if (rq.method !== 'ACK') respond(rq, 405, 'Method Not Allowed');
  });
  return {
    address: o.address,
    port: o.port,
    registers,
    invitesSeen,
    invites,
    options,
    stop: () => void (stopped = true),
    close: () => {
      stopped = true;
      stack.destroy();
    },
  };
}
