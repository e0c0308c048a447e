// PCI DSS and live transcription: while a call's recording is paused (or it is in an IVR step
// marked sensitive) what the recogniser hears on it is neither published nor stored, and an
// utterance that was partly heard then (a card number read out across the pause's end) is dropped
// whole. The speech process is stood in for by the events it would send on the call's two streams.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../sip/index.js';
import { liveRig } from './testing.js';
import type { CallKeyword } from './keywords.js';
import type { NewKeywordHit } from '../store/index.js';

const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLogger } as unknown as Logger;

describe('live transcription withheld while the recording is paused (PCI DSS)', () => {
  it('utterances heard during the pause, or partly during it, are neither published nor stored; the rest are', async () => {
    let paused = false;
    const { say, published, stored } = await liveRig({ logger: silentLogger, now: () => 1000, partialEveryMs: 1000, withheld: () => paused });

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
    const hits: NewKeywordHit[] = [];
    let paused = false;
    const keywordsFor = async (): Promise<CallKeyword[]> => [
      { tokens: '4 8', phrase: 'four eight', listId: 1, listName: 'fraud' },
      { tokens: '4 8', phrase: '48', listId: 2, listName: 'other' },
    ];
    const { sinks, opened, published } = await liveRig({ callId: 'c2', hits: { addHit: async (h) => void hits.push(h) }, keywordsFor, logger: silentLogger, now: () => 5000, partialEveryMs: 0, withheld: () => paused });
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
