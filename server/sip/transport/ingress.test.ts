// The ingress filter runs before parsing (issue 18 §9): a refused source's datagram is never
// parsed, traced or emitted, not even as a parse error, and messages from other sources still are.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { rawOptions, startLayer, until } from './test-support.js';

function sender(address: string): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve) => s.bind(0, address, () => resolve(s)));
}

describe('TransportLayer ingress filter', () => {
  it('drops datagrams from refused sources before parsing; others are parsed and emitted', async () => {
    const t = await startLayer(['udp']);
    const asked: string[] = [];
    t.layer.setIngressFilter?.((flow) => {
      asked.push(flow.remote.address);
      return flow.remote.address !== '127.0.0.66';
    });
    const refused = await sender('127.0.0.66');
    const allowed = await sender('127.0.0.67');
    try {
      const port = t.port('udp');
      refused.send(rawOptions('refused-1'), port, '127.0.0.1');
      refused.send('not SIP at all\r\n\r\n', port, '127.0.0.1');
      await until(() => asked.length >= 2, 'the filter to see both datagrams');
      allowed.send(rawOptions('allowed-1'), port, '127.0.0.1');
      allowed.send('not SIP at all\r\n\r\n', port, '127.0.0.1');
      const message = await t.events.next('message');
      assert.equal(message.flow.remote.address, '127.0.0.67');
      const error = await t.events.next('parse-error');
      assert.equal(error.flow.remote.address, '127.0.0.67');
      assert.equal(t.events.pending.length, 0, 'nothing from the refused source');
      assert.ok(t.traces.every((e) => e.flow.remote.address !== '127.0.0.66'), 'not even traced');
    } finally {
      refused.close();
      allowed.close();
      await t.layer.close();
    }
  });
});
