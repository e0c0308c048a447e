// The engine side of bench/relay.ts, in its own process so its CPU time and RSS are its own.
// Driven over the IPC channel: create the calls, report totals, close.
import { createMediaEngine, type EndpointHandle } from '../media/index.js';

interface Options {
  portMin: number;
  portMax: number;
  workers: number;
}
type Command =
  | { type: 'rss' }
  | { type: 'create'; phones: [number, number][] }
  | { type: 'totals' }
  | { type: 'close' };

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const engine = createMediaEngine({ bindAddress: '127.0.0.1', portMin: options.portMin, portMax: options.portMax, workers: options.workers });
const endpoints: EndpointHandle[] = [];
const send = (m: unknown): void => void process.send?.(m);
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (command: Command) => {
  void (async () => {
    switch (command.type) {
      case 'rss':
        gc?.();
        send({ type: 'rss', rss: process.memoryUsage().rss });
        return;
      case 'create': {
        const ports: [number, number][] = [];
        for (const [i, [phoneA, phoneB]] of command.phones.entries()) {
          const a = await engine.createEndpoint({ group: `call${i}` });
          const b = await engine.createEndpoint({ group: `call${i}` });
          a.setRemote({ address: '127.0.0.1', rtpPort: phoneA });
          b.setRemote({ address: '127.0.0.1', rtpPort: phoneB });
          a.connect(b);
          endpoints.push(a, b);
          ports.push([a.rtpPort, b.rtpPort]);
        }
        send({ type: 'created', ports });
        return;
      }
      case 'totals': {
        const all = await Promise.all(endpoints.map((e) => e.stats()));
        const sum = (k: 'packetsReceived' | 'packetsSent' | 'packetsDropped'): number => all.reduce((n, s) => n + s[k], 0);
        send({ type: 'totals', received: sum('packetsReceived'), sent: sum('packetsSent'), dropped: sum('packetsDropped') });
        return;
      }
      case 'close':
        await engine.close();
        send({ type: 'closed' });
        process.exit(0);
    }
  })();
});

await engine.start();
send({ type: 'ready' });
