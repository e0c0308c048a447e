// PCI DSS and live transcription: while a call's recording is paused (or it is in an IVR step
// marked sensitive) what the recogniser hears on it is neither published nor stored, and an
// utterance that was partly heard then (a card number read out across the pause's end) is dropped
// whole. The speech process is stood in for by the events it would send on the call's two streams.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointHandle } from '../../media/index.js';
import type { SpeechStreams, StreamEvent } from '../speech/streams.js';
import type { TranscriptEventJson } from '../api/index.js';
import type { Logger } from '../sip/index.js';
import { LiveTranscription } from './live.js';

const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLogger } as unknown as Logger;
const endpoint = { on: () => () => {}, startSpeechTap() {}, stopSpeechTap() {} } as unknown as EndpointHandle;

describe('live transcription withheld while the recording is paused (PCI DSS)', () => {
  it('utterances heard during the pause, or partly during it, are neither published nor stored; the rest are', async () => {
    const sinks: ((e: StreamEvent) => void)[] = [];
    const streams = {
      open: async (o: { onEvent: (e: StreamEvent) => void }) => {
        sinks.push(o.onEvent);
        return { stream: sinks.length, socket: '/nowhere', close() {} };
      },
    } as unknown as SpeechStreams;
    const stored: string[] = [];
    let paused = false;
    const live = new LiveTranscription({ streams, store: { addLive: async (_id, s) => void stored.push(s.text) }, logger: silentLogger, now: () => 1000, partialEveryMs: 1000, withheld: () => paused });
    const published: TranscriptEventJson[] = [];
    live.subscribe((e) => published.push(e));
    await live.callAnswered({ id: 'c1', caller: '1001', callee: '1002', startedAt: 0, parties: { caller: endpoint, callee: endpoint }, onClose() {} });
    const caller = sinks[0]!;
    const say = (event: 'asr-partial' | 'asr-final', startMs: number, text: string) => caller({ event, stream: 1, startMs, endMs: startMs + 900, text });

    say('asr-final', 0, 'hello');
    paused = true;
    say('asr-partial', 2000, '4111');
    say('asr-final', 2000, '41111111');
    // begun in the pause, ended after it: dropped whole
    say('asr-partial', 4000, '1111');
    paused = false;
    say('asr-final', 4000, '11111111');
    say('asr-final', 6000, 'thank you');

    assert.deepEqual(
      published.map((e) => [e.type, e.text]),
      [
        ['transcript.final', 'hello'],
        ['transcript.final', 'thank you'],
      ],
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(stored, ['hello', 'thank you']);
  });
});
