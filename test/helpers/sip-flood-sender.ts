// The flooding half of sip-flood.ts in a worker thread of its own: `sources` addresses 127.1.x.y send
// REGISTER with a made-up Authorization at `ratePerSecond` in all until told to stop, and report how
// many they sent. The worker runs this module again under tsx (Node 20 runs no --import hooks in a
// worker), and the same file holds both sides.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { bind, request, token } from './sip-flood.js';

export interface FloodSenderOptions {
  readonly sipPort: number;
  readonly realm: string;
  readonly user: string;
  readonly sources: number;
  readonly ratePerSecond: number;
  /** how many seconds' worth of packets to build before the clock starts */
  readonly durationMs: number;
}

export interface FloodSender {
  /** stops the flood; resolves with the number of packets sent */
  stop(): Promise<number>;
}

/** Starts the sender thread; resolves once its sockets are bound and the flood has begun. */
export function startFloodSender(o: FloodSenderOptions): Promise<FloodSender> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: o });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () =>
      resolve({
        stop: () =>
          new Promise<number>((done, fail) => {
            worker.once('message', (sent: number) => void worker.terminate().then(() => done(sent), fail));
            worker.postMessage('stop');
          }),
      }),
    );
  });
}

async function flood(o: FloodSenderOptions): Promise<void> {
  const port = parentPort!;
  const flooders = await Promise.all(Array.from({ length: o.sources }, (_, i) => bind(`127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`)));
  // Built before the clock starts, so the sender's own CPU does not limit the rate: each packet is a
  // new transaction (its own branch and Call-ID), as a guessing tool sends them.
  const count = Math.min(Math.ceil((o.ratePerSecond * o.durationMs) / 1000), 60_000);
  const packets = Array.from({ length: count }, (_, i) => {
    const sock = flooders[i % flooders.length]!;
    const address = sock.address();
    // guesses at extensions that mostly do not exist, each a lookup that misses the cache
    const auth = `Digest username="${1000 + (i % 1000)}", realm="${o.realm}", nonce="${token()}${token()}", uri="sip:127.0.0.1", response="${randomBytes(16).toString('hex')}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${token()}"`;
    const bytes = request({ method: 'REGISTER', local: address.address, localPort: address.port, sipPort: o.sipPort, user: o.user, callId: token(), cseq: 1, branch: `z9hG4bK-${token()}`, auth });
    return { sock, bytes: Buffer.from(bytes, 'latin1') };
  });
  let sent = 0;
  const started = Date.now();
  // a tick every 10 ms carries the rate's share of the flood, round-robin over the sources; it
  // catches up when a tick comes late, so the offered rate holds on a busy machine
  const timer = setInterval(() => {
    const due = Math.min(packets.length, Math.floor(((Date.now() - started) * o.ratePerSecond) / 1000));
    while (sent < due) {
      const p = packets[sent++]!;
      p.sock.send(p.bytes, o.sipPort, '127.0.0.1');
    }
  }, 10);
  port.once('message', () => {
    clearInterval(timer);
    for (const s of flooders) s.close();
    port.postMessage(sent);
  });
  port.postMessage('started');
}

if (!isMainThread && parentPort && (workerData as FloodSenderOptions | undefined)?.sipPort !== undefined) void flood(workerData as FloodSenderOptions);
