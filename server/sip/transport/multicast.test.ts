import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { silentLogger } from '../logger.js';
import { createTransportLayer } from './layer.js';
import { rawOptions, until } from './test-support.js';

// RFC 6080 §5.1.1: a PnP device sends its SUBSCRIBE to sip.mcast.net (224.0.1.75) port 5060
const GROUP = '224.0.1.75';

async function sendToGroup(port: number, text: string): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  s.setMulticastInterface('127.0.0.1');
  s.setMulticastLoopback(true);
  await new Promise<void>((resolve, reject) => s.send(text, port, GROUP, (err) => (err ? reject(err) : resolve())));
  s.close();
}

describe('UDP multicast groups', () => {
  it('a wildcard UDP listener joined to 224.0.1.75 receives a datagram sent to the group; without the option it does not', async () => {
    for (const groups of [[GROUP], []]) {
      const layer = createTransportLayer({ listen: [{ protocol: 'udp', address: '0.0.0.0', port: 0 }], logger: silentLogger, multicastGroups: groups });
      let received = 0;
      layer.on('message', () => received++);
      await layer.start();
      try {
        const port = layer.listening()[0]?.port as number;
        await sendToGroup(port, rawOptions('mcast-1'));
        if (groups.length > 0) await until(() => received === 1, 'the multicast datagram');
        else {
          // a unicast datagram after it proves the listener runs; the group's never came
          const u = dgram.createSocket('udp4');
          u.send(rawOptions('unicast-1'), port, '127.0.0.1');
          await until(() => received >= 1, 'the unicast datagram');
          u.close();
          await new Promise((r) => setTimeout(r, 200));
          assert.equal(received, 1);
        }
      } finally {
        await layer.close();
      }
    }
  });
});
