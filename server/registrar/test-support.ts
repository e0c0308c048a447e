// In-memory fakes and a scripted phone for registrar tests. The phone computes digest responses
// itself (straight from RFC 7616 §3.4.1) so tests never check our digest code against itself.
import { createHash } from 'node:crypto';
import { DigestAuthenticator } from '../sip/auth/digest.js';
import { FakeClock } from '../sip/clock.js';
import { silentLogger } from '../sip/logger.js';
import { parseMessage } from '../sip/message/parser.js';
import type { SipRequest, SipResponse } from '../sip/message/types.js';
import type { ClientRequestOptions, IncomingRequest, ReplyOptions } from '../sip/stack/types.js';
import type { Flow } from '../sip/transport/types.js';
import type { Binding, BindingPersistence, CredentialLookup, DigestCredentials } from './ports.js';
import { createRegistrar, type Registrar, type RegistrarOptions } from './registrar.js';

export const DOMAIN = 'pbx.example.com';

const H = (alg: 'sha256' | 'md5', s: string): string => createHash(alg).update(s).digest('hex');

export class MemoryPersistence implements BindingPersistence {
  readonly rows = new Map<string, Binding>();
  saves = 0;
  removes = 0;
  async loadAll(): Promise<Binding[]> {
    return [...this.rows.values()];
  }
  async save(binding: Binding): Promise<void> {
    this.saves++;
    this.rows.set(`${binding.aor}|${binding.contact}`, binding);
  }
  async remove(aor: string, contact: string): Promise<void> {
    this.removes++;
    this.rows.delete(`${aor}|${contact}`);
  }
  async removeExpired(now: number): Promise<number> {
    let n = 0;
    for (const [k, b] of this.rows) {
      if (b.expiresAt > now) continue;
      this.rows.delete(k);
      n++;
    }
    return n;
  }
}

export class MemoryCredentials implements CredentialLookup {
  readonly #users = new Map<string, DigestCredentials>();
  add(username: string, password: string, realm = DOMAIN): void {
    this.#users.set(username, {
      username,
      realm,
      ha1Md5: H('md5', `${username}:${realm}:${password}`),
      ha1Sha256: H('sha256', `${username}:${realm}:${password}`),
    });
  }
  async find(username: string): Promise<DigestCredentials | undefined> {
    return this.#users.get(username);
  }
}

export interface Sent {
  readonly options: ReplyOptions;
}

export function udpFlow(address = '192.0.2.10', port = 5062): Flow {
  return { protocol: 'udp', local: { address: '127.0.0.1', port: 5060 }, remote: { address, port } };
}

/** Wrap a parsed request as the core would hand it to a handler; resolves with the reply. */
export function incoming(message: SipRequest, flow: Flow): { request: IncomingRequest; replied: Promise<ReplyOptions> } {
  let resolve!: (r: ReplyOptions) => void;
  const replied = new Promise<ReplyOptions>((r) => (resolve = r));
  const request: IncomingRequest = { message, flow, source: flow.remote, reply: (options) => resolve(options) };
  return { request, replied };
}

export function header(reply: ReplyOptions, name: string): string[] {
  return (reply.headers ?? []).filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);
}

export function param(value: string, name: string): string | undefined {
  return new RegExp(`(?:^|[ ,;])${name}="?([^",]+)"?`).exec(value)?.[1];
}

export interface PhoneOptions {
  readonly user: string;
  readonly password: string;
  /** the authentication username, when it differs from the AOR user */
  readonly authUser?: string;
  readonly contact?: string;
  readonly callId?: string;
  readonly flow?: Flow;
}

export interface BuildOptions {
  readonly expires?: number;
  readonly contactLine?: string | null;
  readonly extra?: readonly string[];
  readonly authorization?: string;
  readonly cseq?: number;
}

/** A scripted phone that builds REGISTER text, parses it with the real parser and answers challenges. */
export class Phone {
  readonly #o: PhoneOptions;
  cseq = 0;
  readonly callId: string;
  nc = 0;

  constructor(options: PhoneOptions) {
    this.#o = options;
    this.callId = options.callId ?? `call-${options.user}-${Math.random().toString(36).slice(2)}@192.0.2.10`;
  }

  build(opts: BuildOptions = {}): SipRequest {
    const parsed = parseMessage(new TextEncoder().encode(this.text(opts)));
    if (!parsed.ok || parsed.value.kind !== 'request') throw new Error(`test REGISTER did not parse: ${JSON.stringify(parsed)}`);
    return parsed.value;
  }

  /** The REGISTER as raw text (CRLF line ends), as a phone would put it on the wire. */
  text(opts: BuildOptions = {}): string {
    this.cseq = opts.cseq ?? this.cseq + 1;
    const contact = opts.contactLine === null ? [] : [`Contact: ${opts.contactLine ?? `<${this.#o.contact ?? `sip:${this.#o.user}@192.0.2.10:5062`}>`}`];
    const lines = [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-${this.cseq}-${Math.random().toString(36).slice(2)};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.#o.user}@${DOMAIN}>;tag=ph${this.#o.user}`,
      `To: <sip:${this.#o.user}@${DOMAIN}>`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${this.cseq} REGISTER`,
      ...contact,
      ...(opts.expires !== undefined ? [`Expires: ${opts.expires}`] : []),
      ...(opts.authorization ? [`Authorization: ${opts.authorization}`] : []),
      ...(opts.extra ?? []),
      'User-Agent: TestPhone/1.0',
      'Content-Length: 0',
      '',
      '',
    ];
    return lines.join('\r\n');
  }

  /** RFC 7616 §3.4.1 computed independently of server/sip/auth. */
  answer(challenge: string, password = this.#o.password, uri = `sip:${DOMAIN}`): string {
    const algorithm = param(challenge, 'algorithm') ?? 'MD5';
    const alg = algorithm === 'SHA-256' ? 'sha256' : 'md5';
    const realm = param(challenge, 'realm')!;
    const nonce = param(challenge, 'nonce')!;
    const opaque = param(challenge, 'opaque');
    const username = this.#o.authUser ?? this.#o.user;
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const cnonce = `c${this.nc}x${Math.random().toString(36).slice(2)}`;
    const ha1 = H(alg, `${username}:${realm}:${password}`);
    const response = H(alg, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${H(alg, `REGISTER:${uri}`)}`);
    return (
      `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", ` +
      `algorithm=${algorithm}, cnonce="${cnonce}", qop=auth, nc=${nc}${opaque ? `, opaque="${opaque}"` : ''}`
    );
  }
}

export class FakeStack {
  readonly sent: ClientRequestOptions[] = [];
  async request(options: ClientRequestOptions): Promise<SipResponse> {
    this.sent.push(options);
    return { kind: 'response', version: 'SIP/2.0', status: 200, reason: 'OK', headers: [], body: new Uint8Array(0) };
  }
}

export class FakeTransport {
  readonly keepalives: Flow[] = [];
  keepalive(flow: Flow): boolean {
    this.keepalives.push(flow);
    return true;
  }
  isAlive(): boolean {
    return true;
  }
}

export function harness(overrides: Partial<RegistrarOptions> = {}, shared?: { persistence?: MemoryPersistence; clock?: FakeClock }) {
  const clock = shared?.clock ?? new FakeClock();
  const persistence = shared?.persistence ?? new MemoryPersistence();
  const credentials = new MemoryCredentials();
  credentials.add('1001', 'secret-1001');
  credentials.add('1002', 'secret-1002');
  const failures: string[] = [];
  const stack = new FakeStack();
  const transport = new FakeTransport();
  const authenticator = new DigestAuthenticator({ realm: DOMAIN, secret: new Uint8Array(32).fill(1), clock, nonceLifetimeMs: 300_000 });
  const registrar: Registrar = createRegistrar({
    domain: DOMAIN,
    authenticator,
    credentials,
    persistence,
    clock,
    logger: silentLogger,
    stack,
    transport,
    onAuthFailure: ({ source }) => failures.push(source),
    ...overrides,
  });
  /** Send one REGISTER through the handler and wait for its reply. */
  const send = async (message: SipRequest, flow: Flow = udpFlow()): Promise<ReplyOptions> => {
    const { request, replied } = incoming(message, flow);
    const taken = await registrar.handler(request);
    if (!taken) throw new Error('registrar did not take the request');
    return replied;
  };
  /** REGISTER, answer the 401 with the given algorithm's challenge, return the final reply. */
  const register = async (
    phone: Phone,
    opts: { expires?: number; contactLine?: string | null; algorithm?: 'SHA-256' | 'MD5'; password?: string; flow?: Flow } = {},
  ): Promise<ReplyOptions> => {
    const first = await send(phone.build({ ...opts }), opts.flow);
    if (first.status !== 401) return first;
    const challenge = header(first, 'WWW-Authenticate')[(opts.algorithm ?? 'SHA-256') === 'SHA-256' ? 0 : 1]!;
    return send(phone.build({ ...opts, authorization: phone.answer(challenge, opts.password) }), opts.flow);
  };
  return { clock, persistence, credentials, failures, stack, transport, authenticator, registrar, send, register };
}
