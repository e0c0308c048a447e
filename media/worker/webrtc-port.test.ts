// WebRtcPort creation against the engine's port-pair contract: a pair someone else holds must fail
// at creation with the errno code (the engine then skips the pair, media/engine.ts createEndpoint),
// never later as an SDP without candidates.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { WebRtcPort } from './webrtc-port.js';
import { freePortBlock } from '../../test/helpers/ports.js';

const sink = { dtmf: () => {}, playDone: () => {} };
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const open = (rtpPort: number) => WebRtcPort.open({ id: 'ep1', group: 'g1', sink, bindAddress: '127.0.0.1', rtpPort, mediaTimeoutMs: 0, logger, onFailed: () => {} });
const hold = (port: number) => new Promise<Socket>((resolve) => { const s = createSocket('udp4'); s.bind(port, '127.0.0.1', () => resolve(s)); });

describe('WebRtcPort.open', () => {
  for (const which of ['RTP', 'RTCP'] as const) {
    it(`rejects with EADDRINUSE when the pair's ${which} port is held by another socket`, async () => {
      const base = await freePortBlock(2);
      const held = await hold(which === 'RTP' ? base : base + 1);
      try {
        await assert.rejects(open(base), (err: { code?: string }) => err.code === 'EADDRINUSE');
      } finally {
        held.close();
      }
    });
  }

  it('opens on a free pair and releases it on close, so the pair can be used again', async () => {
    const base = await freePortBlock(2);
    const first = await open(base);
    first.close();
    const again = await open(base);
    again.close();
  });
});
