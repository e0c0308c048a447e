// The keypad pause code: the code's digits in a row and in time toggle the recording; only an
// extension's side may use it; other digits, a slow second key and a trunk caller change nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../sip/clock.js';
import { RecordingKeypad } from './recording-keypad.js';
import type { DtmfEvent } from './types.js';

function harness(code = '*1') {
  const clock = new FakeClock();
  const paused = new Map<string, boolean>();
  const toggles: string[] = [];
  const keypad = new RecordingKeypad({
    code,
    clock,
    isExtension: async (n) => n.length === 4,
    paused: (id) => paused.get(id) ?? false,
    pause: (id, p) => (id === 'not-recorded' ? false : (paused.set(id, p), true)),
    onToggle: (e) => toggles.push(`${e.callId} ${e.by} ${e.paused ? 'paused' : 'resumed'}`),
  });
  const key = async (digits: string, o: { callId?: string; leg?: 'caller' | 'callee'; gapMs?: number } = {}) => {
    for (const digit of digits) {
      const e: DtmfEvent = { callId: o.callId ?? 'c1', caller: '+8613800138000', callee: '1002', leg: o.leg ?? 'callee', digit, durationMs: 100, method: 'rfc4733' };
      await keypad.digit(e);
      clock.advance(o.gapMs ?? 200);
    }
  };
  return { keypad, key, toggles, clock };
}

describe('recording keypad code', () => {
  it('*1 pauses, *1 again resumes, from the extension side', async () => {
    const h = harness();
    await h.key('*1');
    await h.key('5555');
    await h.key('*1');
    assert.deepEqual(h.toggles, ['c1 1002 paused', 'c1 1002 resumed']);
  });

  it('a caller on a trunk cannot pause its own recording', async () => {
    const h = harness();
    await h.key('*1', { leg: 'caller' });
    assert.deepEqual(h.toggles, []);
  });

  it('digits too far apart, other digits between, or another code do nothing; a second star restarts the code', async () => {
    const h = harness('*12');
    await h.key('*1', { gapMs: 3500 });
    await h.key('2');
    await h.key('*3');
    await h.key('12');
    assert.deepEqual(h.toggles, []);
    await h.key('**12');
    assert.deepEqual(h.toggles, ['c1 1002 paused']);
  });

  it('calls keep their own progress; a call not being recorded reports nothing; forget() drops a call', async () => {
    const h = harness();
    await h.key('*', { callId: 'c2' });
    await h.key('*1', { callId: 'not-recorded' });
    h.keypad.forget('c2');
    await h.key('1', { callId: 'c2' });
    assert.deepEqual(h.toggles, []);
  });

  it('an empty code turns the feature off; a malformed one is refused', async () => {
    const h = harness('');
    await h.key('*1');
    assert.deepEqual(h.toggles, []);
    assert.throws(() => harness('1*'), /not \* and 1 to 4 digits/);
  });
});
