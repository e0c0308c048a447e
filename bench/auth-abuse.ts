// Issue 18, findings 5 and 6, measured the way the outside probe did, over UDP on loopback:
// - ban bypass: 3 wrong guesses for one extension, then a good REGISTER for the attacker's own,
//   repeated; how many guesses before the source is banned (or the bound is reached);
// - timing: median time to a 401 for a wrong password, known user vs unknown user, interleaved;
// - bogus nonces: REGISTERs with made-up nonces, how many before the source is banned.
// Prints figures; asserts nothing.
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { startHailing } from '../test/helpers/hailing-process.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
let seq = 0;

function register(o: { port: number; local: number; user: string; auth?: string }): Buffer {
  seq++;
  return Buffer.from(
    [
      `REGISTER sip:127.0.0.1:${o.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${o.local};branch=z9hG4bK-abuse-${seq};rport`,
      'Max-Forwards: 70',
      `From: <sip:${o.user}@127.0.0.1>;tag=t${seq}`,
      `To: <sip:${o.user}@127.0.0.1>`,
      `Call-ID: abuse-${seq}@127.0.0.1`,
      `CSeq: 1 REGISTER`,
      `Contact: <sip:${o.user}@127.0.0.1:${o.local}>`,
      'Expires: 60',
      ...(o.auth ? [`Authorization: ${o.auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

class Client {
  readonly sock = dgram.createSocket('udp4');
  #waiting: ((m: string) => void) | undefined;
  constructor(readonly port: number) {
    this.sock.on('message', (m) => this.#waiting?.(m.toString()));
  }
  async bind(address: string): Promise<number> {
    await new Promise<void>((r) => this.sock.bind(0, address, () => r()));
    return this.sock.address().port;
  }
  /** the response, or undefined after 500 ms of silence (a ban drops requests unanswered) */
  send(msg: Buffer): Promise<{ text: string | undefined; us: number }> {
    const t0 = process.hrtime.bigint();
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ text: undefined, us: NaN }), 500);
      this.#waiting = (text) => {
        clearTimeout(timer);
        resolve({ text, us: Number(process.hrtime.bigint() - t0) / 1000 });
      };
      this.sock.send(msg, this.port, '127.0.0.1');
    });
  }
  /** a full challenge/answer with this password; the second response */
  async attempt(user: string, password: string, nonceOverride?: string) {
    const local = this.sock.address().port;
    const challenge = (await this.send(register({ port: this.port, local, user }))).text;
    if (challenge === undefined) return { text: undefined, us: NaN };
    const nonce = nonceOverride ?? /nonce="([^"]+)"/.exec(challenge)![1]!;
    const uri = `sip:127.0.0.1:${this.port}`;
    const ha1 = md5(`${user}:127.0.0.1:${password}`);
    const response = md5(`${ha1}:${nonce}:00000001:abc:auth:${md5(`REGISTER:${uri}`)}`);
    const auth = `Digest username="${user}", realm="127.0.0.1", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, cnonce="abc", qop=auth, nc=00000001`;
    return this.send(register({ port: this.port, local, user, auth }));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main() {
  const server = await startHailing({ env: { HAILING_DIGEST_ALGORITHMS: 'MD5', HAILING_LOG_LEVEL: 'warn', HAILING_RATE_LIMIT_PER_SECOND: '1000000', HAILING_RATE_LIMIT_BURST: '1000000', HAILING_BAN_ACCOUNT_MAX_FAILURES: '1000000' } });
  try {
    for (let n = 1000; n <= 1009; n++) await server.api('POST', '/api/v1/extensions', { number: String(n), password: `password-${n}` });
    // finding 5: alternate 3 wrong guesses for 1000 with a good REGISTER for 1009 (the attacker's own)
    const a = new Client(server.ports.sip);
    await a.bind('127.0.0.61');
    let guesses = 0; // answered wrong guesses for 1000
    let banned = false;
    const t0 = Date.now();
    while (!banned && guesses < 600 && Date.now() - t0 < 20_000) {
      for (let i = 0; i < 3 && !banned; i++) {
        const r = await a.attempt('1000', `guess-${guesses}`);
        banned = r.text === undefined;
        if (!banned) guesses++;
      }
      if (!banned) banned = (await a.attempt('1009', 'password-1009')).text === undefined;
    }
    console.log(`ban bypass: ${banned ? `banned after ${guesses} guesses` : `no ban after ${guesses} guesses`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    a.sock.close();

    // finding 6a: timing of the 401 to a wrong password: a known user, an unknown one probed again
    // and again, and a new unknown name each time; interleaved, a new source every round (2
    // failures each, under the per-source threshold; the per-account one is lifted for this)
    const samples = { known: [] as number[], unknownRepeated: [] as number[], unknownFresh: [] as number[] };
    for (let i = 0; i < 400; i++) {
      const c = new Client(server.ports.sip);
      await c.bind(`127.0.${1 + Math.floor(i / 200)}.${(i % 200) + 20}`);
      const round = [['1005', samples.known], ['9999', samples.unknownRepeated], [`8${i}77`, samples.unknownFresh]] as const;
      for (let k = 0; k < 3; k++) {
        const [user, into] = round[(i + k) % 3]!;
        const r = await c.attempt(user, 'wrong-password');
        if (r.text?.startsWith('SIP/2.0 401')) into.push(r.us);
      }
      c.sock.close();
    }
    console.log(
      `timing of a wrong password's 401 (${samples.known.length} samples each): median known ${median(samples.known).toFixed(0)} µs, ` +
        `unknown (same name) ${median(samples.unknownRepeated).toFixed(0)} µs, unknown (a new name each time) ${median(samples.unknownFresh).toFixed(0)} µs`,
    );

    // finding 6b: made-up nonces for each extension in turn; how many before a ban
    const p = new Client(server.ports.sip);
    await p.bind('127.0.0.62');
    let probes = 0; // answered probes
    let probeBanned = false;
    while (!probeBanned && probes < 200) {
      const r = await p.attempt(String(1000 + (probes % 10)), 'x', 'A'.repeat(64));
      probeBanned = r.text === undefined;
      if (!probeBanned) probes++;
    }
    console.log(`bogus nonces: ${probeBanned ? `banned after ${probes} probes` : `no ban after ${probes} probes`}`);
    p.sock.close();
  } finally {
    await server.kill('SIGTERM');
  }
}

await main();
