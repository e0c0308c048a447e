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
import type { CallKeyword } from './keywords.js';
import type { NewKeywordHit } from '../store/index.js';

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

  it('a keyword spotted during the pause is neither published nor stored; before and after it is, once per phrase that spells alike', async () => {
    const sinks: ((e: StreamEvent) => void)[] = [];
    const opened: string[][] = [];
    const streams = {
      open: async (o: { keywords: string[]; onEvent: (e: StreamEvent) => void }) => {
        sinks.push(o.onEvent);
        opened.push(o.keywords);
        return { stream: sinks.length, socket: '/nowhere', close() {} };
      },
    } as unknown as SpeechStreams;
    const hits: NewKeywordHit[] = [];
    let paused = false;
    const keywordsFor = async (): Promise<CallKeyword[]> => [
      { tokens: '4 8', phrase: 'four eight', listId: 1, listName: 'fraud' },
      { tokens: '4 8', phrase: '48', listId: 2, listName: 'other' },
    ];
    const live = new LiveTranscription({ streams, store: { addLive: async () => {} }, hits: { addHit: async (h) => void hits.push(h) }, keywordsFor, logger: silentLogger, now: () => 5000, partialEveryMs: 0, withheld: () => paused });
    const published: TranscriptEventJson[] = [];
    live.subscribe((e) => published.push(e));
    // two endpoints: a call taps each party endpoint once
    const callee = { on: () => () => {}, startSpeechTap() {}, stopSpeechTap() {} } as unknown as EndpointHandle;
    await live.callAnswered({ id: 'c2', caller: '1001', callee: '1002', startedAt: 0, parties: { caller: endpoint, callee }, onClose() {} });
    assert.deepEqual(opened, [['4 8'], ['4 8']], 'one spotter keyword per spelling, on each leg');
    const hit = (atMs: number) => sinks[1]!({ event: 'kws-hit', stream: 2, keyword: '4 8', atMs });
    hit(100);
    paused = true;
    hit(2000);
    paused = false;
    hit(3000);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      published.map((e) => [e.type, e.leg, e.text, e.list]),
      [
        ['transcript.keyword', 'callee', 'four eight', 'fraud'],
        ['transcript.keyword', 'callee', '48', 'other'],
        ['transcript.keyword', 'callee', 'four eight', 'fraud'],
        ['transcript.keyword', 'callee', '48', 'other'],
      ],
    );
    assert.deepEqual(
      hits.map((h) => [h.callId, h.leg, h.keyword, h.listId, h.listName]),
      [
        ['c2', 'callee', 'four eight', 1, 'fraud'],
        ['c2', 'callee', '48', 2, 'other'],
        ['c2', 'callee', 'four eight', 1, 'fraud'],
        ['c2', 'callee', '48', 2, 'other'],
      ],
    );
  });
});
