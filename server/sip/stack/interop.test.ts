// Black-box: our stack on the real transport layer over 127.0.0.1 UDP, with node-sip (npm `sip`),
// an independent SIP implementation, as the peer in both directions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { silentLogger } from '../logger.js';
import { createTransportLayer } from '../transport/layer.js';
import { freePort } from '../../../test/helpers/ports.js';
import { createSipStack } from './core.js';

interface PeerMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  headers: Record<string, unknown>;
}
interface PeerStack {
  send(m: PeerMessage, cb?: (r: PeerMessage) => void): void;
  destroy(): void;
}
interface NodeSip {
  create(options: Record<string, unknown>, onRequest: (r: PeerMessage) => void): PeerStack;
  makeResponse(r: PeerMessage, status: number, reason: string): PeerMessage;
}
const sip = createRequire(import.meta.url)('sip') as NodeSip;

/** A hang guard for the whole exchange, never a speed assertion. */
const GUARD_MS = 10_000;
const guard = <T>(p: Promise<T>, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), GUARD_MS).unref())]);

async function setup() {
  const transport = createTransportLayer({ listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }], logger: silentLogger });
  const stack = createSipStack({ transport, logger: silentLogger, allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'], supported: ['path'] });
  await stack.start();
  const ours = transport.listening()[0];
  assert.ok(ours);
  const peerPort = await freePort();
  const peerRequests: PeerMessage[] = [];
  // node-sip treats a request URI naming its own publicAddress as one of its flow tokens, so it
  // advertises a name; our core then answers to the received/rport source (RFC 3581 §4).
  const peer = sip.create({ port: peerPort, address: '127.0.0.1', publicAddress: 'node-sip.invalid', udp: true, tcp: false }, (r) => {
    peerRequests.push(r);
    peer.send(sip.makeResponse(r, 200, 'OK'));
  });
  return { stack, ours, peer, peerPort, peerRequests };
}

describe('interop with node-sip over UDP on 127.0.0.1', () => {
  it('RFC 3261 11.2: node-sip sends OPTIONS and receives 200 with Allow from our core', async () => {
    const { stack, ours, peer } = await setup();
    try {
      const response = await guard(
        new Promise<PeerMessage>((resolve) => {
          peer.send(
            {
              method: 'OPTIONS',
              uri: `sip:hailing@127.0.0.1:${ours.port}`,
              headers: {
                to: { uri: `sip:hailing@127.0.0.1:${ours.port}` },
                from: { uri: 'sip:probe@127.0.0.1', params: { tag: 'probe1' } },
                'call-id': 'interop-options-1',
                cseq: { method: 'OPTIONS', seq: 1 },
                via: [],
                'max-forwards': 70,
              },
            },
            (r) => {
              if ((r.status ?? 0) >= 200) resolve(r);
            },
          );
        }),
        'OPTIONS answer',
      );
      assert.equal(response.status, 200);
      assert.equal(response.headers['allow'], 'INVITE, ACK, CANCEL, BYE, OPTIONS');
      assert.equal(response.headers['call-id'], 'interop-options-1');
      const to = response.headers['to'] as { params: Record<string, string> };
      assert.ok(to.params['tag'], 'RFC 3261 8.2.6.2: a To-tag was added');
    } finally {
      peer.destroy();
      await stack.close();
    }
  });

  it('RFC 3261 17.1.2: our client transaction sends OPTIONS to node-sip and resolves with its 200', async () => {
    const { stack, peer, peerPort, peerRequests } = await setup();
    try {
      const response = await guard(
        stack.request({
          request: {
            kind: 'request',
            method: 'OPTIONS',
            uri: `sip:peer@127.0.0.1:${peerPort}`,
            version: 'SIP/2.0',
            headers: [
              { name: 'To', value: `<sip:peer@127.0.0.1:${peerPort}>` },
              { name: 'From', value: '<sip:hailing@127.0.0.1>;tag=h1' },
              { name: 'Call-ID', value: 'interop-options-2' },
              { name: 'CSeq', value: '7 OPTIONS' },
            ],
            body: new Uint8Array(0),
          },
          to: { protocol: 'udp', remote: { address: '127.0.0.1', port: peerPort } },
        }),
        'OPTIONS to node-sip',
      );
      assert.equal(response.status, 200);
      assert.equal(peerRequests.length, 1);
      const via = (peerRequests[0]?.headers['via'] as Array<{ params: Record<string, string | null> }>)[0];
      assert.match(via?.params['branch'] ?? '', /^z9hG4bK/);
    } finally {
      peer.destroy();
      await stack.close();
    }
  });
});
