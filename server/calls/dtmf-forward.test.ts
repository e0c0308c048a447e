import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyStats, type EndpointStats } from '../../media/index.js';
import { silentLogger } from '../sip/index.js';
import { DtmfForwarder, forwardedDuration, type DtmfDigit } from './dtmf-forward.js';

/** an endpoint facing the sending phone, whose stats answer after `delayMs` (a worker round trip) */
const facing = (transcoding: boolean | undefined, delayMs = 0) => ({
  stats: () =>
    new Promise<EndpointStats>((resolve) => setTimeout(() => resolve({ ...emptyStats, ...(transcoding === undefined ? {} : { transcoding }) }), delayMs)),
});

const sink = () => {
  const sent: [string, number][] = [];
  return { sent, sendDtmf: (digits: string, durationMs?: number) => void sent.push([digits, durationMs ?? -1]) };
};

const digit = (o: Partial<DtmfDigit> & Pick<DtmfDigit, 'from' | 'to'>): DtmfDigit => ({ callId: 'c1', digit: '5', durationMs: 160, method: 'rfc4733', ...o });

describe('DtmfForwarder: digits re-sent to the other phone when the worker decodes the call', () => {
  it('transcoded: an RFC 4733 digit goes to the other leg with its duration', async () => {
    const to = sink();
    await new DtmfForwarder({ logger: silentLogger }).digit(digit({ from: facing(true), to }));
    assert.deepEqual(to.sent, [['5', 160]]);
  });

  it('pass-through (or an engine that does not say): nothing is sent, the relay carried the events', async () => {
    const forwarder = new DtmfForwarder({ logger: silentLogger });
    for (const transcoding of [false, undefined]) {
      const to = sink();
      await forwarder.digit(digit({ from: facing(transcoding), to }));
      assert.deepEqual(to.sent, [], `transcoding ${String(transcoding)}`);
    }
  });

  it('in-band tones and SIP INFO are not re-sent: the audio, or the relayed INFO, already carries them', async () => {
    const forwarder = new DtmfForwarder({ logger: silentLogger });
    const to = sink();
    await forwarder.digit(digit({ method: 'inband', from: facing(true), to }));
    await forwarder.digit(digit({ method: 'info', from: facing(true), to }));
    assert.deepEqual(to.sent, []);
  });

  it('digits of one call keep their order even when an earlier look-up answers later', async () => {
    const forwarder = new DtmfForwarder({ logger: silentLogger });
    const to = sink();
    const done = ['1', '5', '9', '#'].map((d, i) => forwarder.digit(digit({ digit: d, from: facing(true, 30 - i * 10), to })));
    await Promise.all(done);
    assert.deepEqual(to.sent.map(([d]) => d).join(''), '159#');
  });

  it('an endpoint that is gone (stats rejects) is logged, not thrown', async () => {
    const to = sink();
    const from = { stats: () => Promise.reject(new Error('closed')) };
    await new DtmfForwarder({ logger: silentLogger }).digit(digit({ from, to }));
    assert.deepEqual(to.sent, []);
  });

  it('durations outside what receivers detect reliably are brought into 40..2000 ms', () => {
    assert.equal(forwardedDuration(10), 40);
    assert.equal(forwardedDuration(250), 250);
    assert.equal(forwardedDuration(60_000), 2000);
    assert.equal(forwardedDuration(Number.NaN), 100);
    assert.equal(forwardedDuration(0), 100);
  });
});
