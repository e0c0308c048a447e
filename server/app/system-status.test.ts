import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BindingChange } from '../registrar/index.js';
import type { CallEventJson, StreamEventJson } from '../api/index.js';
import { streamEvents } from './system-status.js';

describe('the event stream the console listens to', () => {
  it('adds a registration event per changed AOR to the call events, and unsubscribes from both', () => {
    const callListeners = new Set<(e: CallEventJson) => void>();
    const changeListeners = new Set<(c: BindingChange) => void>();
    const source = streamEvents({
      calls: {
        subscribe: (l) => {
          callListeners.add(l);
          return () => callListeners.delete(l);
        },
      },
      registrar: { on: (_e, l) => changeListeners.add(l), off: (_e, l) => changeListeners.delete(l) },
      clock: { now: () => Date.UTC(2027, 0, 15, 8), setTimeout: () => ({}) as never, clearTimeout: () => undefined } as never,
    });
    const seen: StreamEventJson[] = [];
    const off = source.subscribe((e) => seen.push(e));
    for (const l of changeListeners) l({ aor: 'sip:1001@pbx.test', bindings: [] });
    const call: CallEventJson = { type: 'newcall', callId: 'c1', at: '2027-01-15T08:00:00.000Z', caller: '1001', callee: '1002' };
    for (const l of callListeners) l(call);
    assert.deepEqual(seen, [{ type: 'registration', at: '2027-01-15T08:00:00.000Z', aor: 'sip:1001@pbx.test', contacts: 0 }, call]);
    off();
    assert.equal(callListeners.size, 0);
    assert.equal(changeListeners.size, 0);
  });
});
