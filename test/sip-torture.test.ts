// Acceptance: every RFC 4475 / RFC 5118 torture message, sent to the real server over UDP, over
// TCP, and over TCP one byte per write, gets the handling the RFC text states
// (test/sip-torture-expectations.ts), and the server still answers OPTIONS with 200 afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { TORTURE_EXPECTATIONS, expectedStatuses, type TortureExpectation } from './sip-torture-expectations.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

const CORPUS = new URL('./fixtures/sip-torture/', import.meta.url).pathname;
/** Our own loopback address, so a response sent to "received + sent-by port" (RFC 3261 §18.2.2) reaches us. */
const CLIENT = '127.0.0.77';
const NO_ANSWER_WAIT_MS = 400;
const ANSWER_WAIT_MS = 3000;

/** The Call-ID of a message, read with a plain regex (compact form "i" included). */
function callIdOf(text: string): string | undefined {
  return text.match(/^(?:call-id|i)\s*:\s*(.*?)\s*$/im)?.[1];
}

/**
 * Final status codes of the responses in a byte stream (100 Trying is provisional) that belong to
 * the request sent: a retransmitted final response to an earlier INVITE (Timer G) may arrive too.
 */
function finalAnswers(text: string, callIds: ReadonlySet<string | undefined>): Answer[] {
  const answers: Answer[] = [];
  for (const part of text.split(/(?=^SIP\/2\.0 \d{3} )/m)) {
    const status = Number(part.match(/^SIP\/2\.0 (\d{3}) /)?.[1] ?? 0);
    const callId = callIdOf(part);
    if (status >= 200 && callIds.has(callId)) answers.push({ callId, status });
  }
  return answers;
}

const TOP_VIA = /^(?:via|v)\s*:\s*SIP\s*\/\s*2\.0\s*\/\s*(\w+)\s+(\[[^\]]+\]|[^\s;:,]+)(?::(\d+))?([^\r\n,]*)/im;

/** The sent-by port of the top Via, read with a plain regex (RFC 3261 §18.2.2; 5061 is TLS's default). */
function viaPort(bytes: Buffer): number {
  const via = bytes.toString('latin1').match(TOP_VIA);
  const port = Number(via?.[3] ?? (via?.[1]?.toUpperCase() === 'TLS' ? 5061 : 5060));
  return port > 0 && port < 65536 ? port : 5060;
}

/**
 * The RFC 3261 §17.2.3 server-transaction key (branch, sent-by, method; ACK matches INVITE), read
 * with plain regexes. Some corpus messages share one (cparam01/cparam02, escnull/regescrt,
 * unkscm/novelsc): to a server the later one IS a retransmission and draws the earlier response.
 */
function transactionKey(bytes: Buffer): string | undefined {
  const text = bytes.toString('latin1');
  const via = text.match(TOP_VIA);
  const branch = via?.[4]?.match(/;\s*branch\s*=\s*(z9hG4bK[^;\s]*)/i)?.[1];
  const method = text.match(/^(\S+) /)?.[1];
  if (!via || !branch || !method || method.startsWith('SIP/')) return undefined;
  return [branch, `${via[2]}:${via[3] ?? ''}`.toLowerCase(), method === 'ACK' ? 'INVITE' : method].join(' ');
}

interface Answer {
  callId: string | undefined;
  status: number | undefined;
}

/** What a pass has answered so far, by transaction key. */
type Seen = Map<string, Answer>;

/** Whether a stream can frame these bytes: Content-Length present and no larger than what follows. */
function streamFramable(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lengths = new Set([...text.slice(0, end).matchAll(/^(?:content-length|l)\s*:\s*(\d+)\s*$/gim)].map((m) => Number(m[1])));
  // conflicting values (RFC 4475 §3.3.9) leave the end of the message unknown
  if (end < 0 || lengths.size !== 1) return false;
  return [...lengths][0]! <= bytes.length - end - 4;
}

/** Sends one datagram from CLIENT:port; resolves with the final answers carrying one of `callIds`. */
function sendUdp(bytes: Buffer, port: number, serverPort: number, callIds: ReadonlySet<string | undefined>): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const finals: Answer[] = [];
    let timer: NodeJS.Timeout;
    const finish = () => {
      clearTimeout(timer);
      sock.close();
      resolve(finals);
    };
    sock.on('message', (m) => {
      finals.push(...finalAnswers(m.toString('latin1'), callIds));
      if (finals.length > 0) finish();
    });
    sock.once('error', reject);
    sock.bind(port, CLIENT, () => {
      sock.send(bytes, serverPort, '127.0.0.1');
      timer = setTimeout(finish, ANSWER_WAIT_MS);
    });
  });
}

function sendTcp(
  bytes: Buffer,
  serverPort: number,
  o: { byteByByte: boolean; waitMs: number; callIds: ReadonlySet<string | undefined> },
): Promise<{ finals: Answer[]; closed: boolean }> {
  const { byteByByte, waitMs, callIds } = o;
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port: serverPort, host: '127.0.0.1', localAddress: CLIENT, noDelay: true });
    let text = '';
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ finals: finalAnswers(text, callIds), closed });
    };
    sock.on('data', (d) => {
      text += d.toString('latin1');
      if (finalAnswers(text, callIds).length > 0) finish();
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('error', (err) => (closed ? undefined : reject(err)));
    sock.on('connect', async () => {
      if (byteByByte) {
        for (let i = 0; i < bytes.length && !sock.destroyed; i++) {
          sock.write(bytes.subarray(i, i + 1));
          if (i % 16 === 0) await new Promise((r) => setImmediate(r));
        }
      } else sock.write(bytes);
      timer = setTimeout(finish, waitMs);
    });
  });
}

/**
 * Checks the first answer against the RFC's expectation for this message. A message that repeats
 * an earlier one's transaction key may instead be absorbed as that message's retransmission and
 * draw the earlier answer again (RFC 3261 §17.2.3), while the earlier transaction still exists.
 */
function check(e: TortureExpectation, transport: string, finals: Answer[], own: string | undefined, earlier?: Answer): void {
  const first = finals[0];
  if (earlier && first && first.callId === earlier.callId && earlier.callId !== own) {
    assert.equal(first.status, earlier.status, `${e.file} over ${transport}: a retransmission gets the earlier response again`);
    return;
  }
  const allowed = expectedStatuses(e);
  if (allowed.length === 0) {
    assert.deepEqual(finals, [], `${e.file} over ${transport}: ${e.note}`);
    return;
  }
  assert.ok(first, `${e.file} over ${transport}: no response; the RFC expects ${allowed.join(' or ')} (${e.note})`);
  assert.ok(allowed.includes(first.status!), `${e.file} over ${transport}: got ${first.status}, the RFC expects ${allowed.join(' or ')} (${e.note})`);
}

async function optionsStillAnswered(server: HailingProcess): Promise<void> {
  const options = (transport: 'UDP' | 'TCP') => {
    const id = `${transport}-${Date.now()}`;
    return Buffer.from(
      [
        `OPTIONS sip:127.0.0.1:${server.ports.sip} SIP/2.0`,
        `Via: SIP/2.0/${transport} ${CLIENT}:5099;branch=z9hG4bK-after-${id};rport`,
        'Max-Forwards: 70',
        `From: <sip:probe@${CLIENT}>;tag=probe`,
        'To: <sip:127.0.0.1>',
        `Call-ID: after-torture-${id}@${CLIENT}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  };
  const udp = options('UDP');
  const udpAnswers = await sendUdp(udp, 5099, server.ports.sip, new Set([callIdOf(udp.toString('latin1'))]));
  assert.deepEqual(udpAnswers.map((a) => a.status), [200]);
  const tcp = options('TCP');
  const tcpAnswers = await sendTcp(tcp, server.ports.sip, { byteByByte: false, waitMs: ANSWER_WAIT_MS, callIds: new Set([callIdOf(tcp.toString('latin1'))]) });
  assert.deepEqual(tcpAnswers.finals.map((a) => a.status), [200]);
}

const load = (e: TortureExpectation) => readFileSync(CORPUS + e.file);

/**
 * Each pass gets a fresh server: the passes send byte-identical messages, which a server still
 * holding the previous pass's transactions rightly treats as retransmissions (RFC 3261 §17.2.3).
 */
function withServer(name: string, body: (server: () => HailingProcess) => void): void {
  describe(name, () => {
    let server: HailingProcess | undefined;
    before(async () => {
      // every message comes from one source address: keep the ban threshold out of the way
      server = await startHailing({ env: { HAILING_BAN_MAX_FAILURES: '1000' } });
    });
    after(async () => {
      await server?.kill();
    });
    body(() => server!);
  });
}

describe('RFC 4475 / RFC 5118 torture messages against the running server', () => {
  it('every corpus file has an expectation', () => {
    assert.equal(TORTURE_EXPECTATIONS.length, 61);
  });

  withServer('over UDP', (server) => {
    const seen: Seen = new Map();
    for (const e of TORTURE_EXPECTATIONS) {
      it(`${e.file} (RFC ${e.rfcSection})`, async () => {
        const bytes = load(e);
        const key = transactionKey(bytes);
        const earlier = key === undefined ? undefined : seen.get(key);
        const own = callIdOf(bytes.toString('latin1'));
        const finals = await sendUdp(bytes, viaPort(bytes), server().ports.sip, new Set([own, earlier?.callId]));
        if (key !== undefined && !earlier && finals[0]) seen.set(key, finals[0]);
        check(e, 'UDP', finals, own, earlier);
      });
    }
    it('OPTIONS still gets 200 afterwards', () => optionsStillAnswered(server()));
  });

  for (const byteByByte of [false, true]) {
    const label = byteByByte ? 'TCP, one byte per write' : 'TCP';
    withServer(`over ${label}`, (server) => {
      const seen: Seen = new Map();
      for (const e of TORTURE_EXPECTATIONS) {
        it(`${e.file} (RFC ${e.rfcSection})`, async () => {
          const bytes = load(e);
          const framable = streamFramable(bytes);
          const key = framable ? transactionKey(bytes) : undefined;
          const earlier = key === undefined ? undefined : seen.get(key);
          const own = callIdOf(bytes.toString('latin1'));
          const wait = expectedStatuses(e).length === 0 && !earlier ? NO_ANSWER_WAIT_MS : ANSWER_WAIT_MS;
          const callIds = new Set([own, earlier?.callId]);
          const r = await sendTcp(bytes, server().ports.sip, { byteByByte, waitMs: framable ? wait : NO_ANSWER_WAIT_MS, callIds });
          // RFC 3261 §18.3: on a stream Content-Length is mandatory and says where the message ends;
          // bytes that cannot be framed get no answer (the connection is closed, or waits for more).
          if (!framable) return assert.deepEqual(r.finals, [], `${e.file} over ${label}: unframable bytes must not be answered`);
          if (key !== undefined && !earlier && r.finals[0]) seen.set(key, r.finals[0]);
          check(e, label, r.finals, own, earlier);
        });
      }
      it('OPTIONS still gets 200 afterwards', () => optionsStillAnswered(server()));
    });
  }
});
