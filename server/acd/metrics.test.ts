// Metrics by hand: a scripted day of five callers whose service level, ASA, AHT and abandon rate
// are worked out below from the script alone, then compared with what the metrics report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INTERVAL_MS } from './metrics.js';
import { acdRig, agent, queue } from './testing.js';

describe('ACD metrics by hand', () => {
  it('service level (with and without abandons), ASA, AHT and abandon rate match the figures computed by hand', () => {
    const rig = acdRig();
    const { acd, clock, driver } = rig;
    // start on an interval boundary so that the whole script falls in one 15-minute interval
    clock.advance(INTERVAL_MS - (clock.now() % INTERVAL_MS));
    const t0 = clock.now();
    const at = (s: number) => clock.advance(t0 + s * 1000 - clock.now());
    rig.setup(queue('q', { strategy: 'linear', serviceLevelS: 20, shortAbandonS: 5, wrapUp: { mode: 'mandatory-timeout', seconds: 10, codes: [] } }), [agent('a1'), agent('a2')]);
    acd.desk.login({ agentId: 'a1' });
    acd.desk.login({ agentId: 'a2' });
    const ids: Record<string, string> = {};
    const join = (name: string) => {
      const r = acd.enqueue({ queueId: 'q', callId: name, caller: name });
      assert.ok(r.ok);
      ids[name] = r.interaction.id;
    };
    const answer = (agentId: string) => assert.ok(driver.answer(acd, agentId));
    const hangup = (name: string) => acd.hangup({ interactionId: ids[name]!, by: 'caller' });

    join('c1'); // → a1
    join('c2'); // → a2
    at(5);
    answer('a1'); // c1 waited 5 s
    at(8);
    answer('a2'); // c2 waited 8 s
    at(10);
    join('c3'); // nobody free
    at(13);
    hangup('c3'); // abandons after 3 s: a short abandon
    at(20);
    join('c4');
    at(30);
    join('c5');
    at(60);
    hangup('c5'); // abandons after 30 s
    at(65);
    hangup('c1'); // talked 60 s; a1 wraps up until 75, then c4 rings a1
    at(78);
    answer('a1'); // c4 waited 58 s
    at(108);
    hangup('c2'); // talked 100 s, wrap-up to 118
    at(118);
    hangup('c4'); // talked 40 s, wrap-up to 128
    at(200);

    // by hand: answered c1 (5 s), c2 (8 s), c4 (58 s); within 20 s: c1, c2
    const answered = 3;
    const withinSl = 2;
    const longAbandons = 1; // c5 (c3's 3 s is under the 5 s short-abandon threshold)
    const asaMs = ((5 + 8 + 58) / 3) * 1000;
    const ahtMs = ((60 + 10 + (100 + 10) + (40 + 10)) / 3) * 1000;
    const total = rig.metrics.total({ queueId: 'q' });
    assert.equal(total.entered, 5);
    assert.equal(total.answered, answered);
    assert.equal(total.abandoned, 2);
    assert.equal(total.shortAbandoned, 1);
    assert.equal(total.serviceLevel, withinSl / answered);
    assert.equal(total.serviceLevelWithAbandons, withinSl / (answered + longAbandons));
    assert.equal(total.asaMs, asaMs);
    assert.equal(total.ahtMs, ahtMs);
    assert.equal(total.abandonRate, longAbandons / (answered + longAbandons));
    const rows = rig.metrics.rows({ queueId: 'q' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.start, t0);
    // the interval closes once time passes its end, and is taken out for the table
    assert.deepEqual(rig.metrics.takeClosed(t0 + INTERVAL_MS - 1), []);
    assert.equal(rig.metrics.takeClosed(t0 + INTERVAL_MS)[0]!.answered, 3);
  });
});
