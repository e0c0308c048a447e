// Issue 14: supervisors are scoped to their queues and teams. A supervisor given queue 'sales' sees
// only that queue and its agents on the live floor, the lists and the event stream's snapshot, and
// is refused (403) on everything else: another queue, an agent outside it, a caller waiting there,
// moving a caller into it. A team supervisor oversees the agents of its team; a supervisor given
// neither, and the admin, see the whole floor.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acdRig, clientFor, type AcdCall } from './acd-testing.js';
import { signIn } from './testing.js';

const ids = (list: unknown, key = 'id') => (list as Record<string, unknown>[]).map((x) => x[key]).sort();

describe('/api/v1/acd: supervisors see and act on their queues and teams only', () => {
  it('a queue supervisor, a team supervisor and an unscoped one against the same floor', async () => {
    const r = await acdRig();
    try {
      for (const q of ['sales', 'support']) assert.equal((await r.call('POST', '/api/v1/acd/queues', { id: q, name: q })).status, 201);
      const agents = [['ana', '1001', null], ['bo', '1002', null], ['cy', '1003', 'night']] as const;
      for (const [id, extension, team] of agents) assert.equal((await r.call('POST', '/api/v1/acd/agents', { id, name: id, extension, pin: '1234', team })).status, 201);
      await r.call('POST', '/api/v1/acd/memberships', { agentId: 'ana', queueId: 'sales' });
      await r.call('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'support' });
      const waiting = r.acd.acd.enqueue({ queueId: 'support', callId: 'call-1', caller: '5551' });
      assert.ok(waiting.ok);
      const supervisor = async (username: string, scope: { queues?: string[]; teams?: string[] }): Promise<AcdCall> => {
        await r.h.users.create({ username, password: 'correct horse', roles: ['supervisor'], ...scope });
        return clientFor(r.h, await signIn(r.h, username, 'correct horse'));
      };
      const sue = await supervisor('sue', { queues: ['sales'] });
      const ted = await supervisor('ted', { teams: ['night'] });
      const all = await supervisor('una', {});

      const live = (await sue('GET', '/api/v1/acd/live')).body!;
      assert.deepEqual([ids(live['queues']), ids(live['agents'])], [['sales'], ['ana']]);
      assert.deepEqual(ids((await sue('GET', '/api/v1/acd/queues')).body!['items']), ['sales']);
      assert.deepEqual(ids((await sue('GET', '/api/v1/acd/agents')).body!['items']), ['ana']);
      assert.deepEqual(ids((await sue('GET', '/api/v1/acd/memberships')).body!['items'], 'queueId'), ['sales']);
      assert.equal((await sue('POST', '/api/v1/acd/agents/ana/state', { action: 'login' })).status, 200);
      const refusals = [
        await sue('GET', '/api/v1/acd/queues/support'),
        await sue('GET', '/api/v1/acd/agents/bo'),
        await sue('POST', '/api/v1/acd/agents/bo/state', { action: 'login' }),
        await sue('GET', '/api/v1/acd/agents/bo/monitor'),
        await sue('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'support' }),
        await sue('POST', `/api/v1/acd/interactions/${waiting.ok ? waiting.interaction.id : ''}/priority`, { priority: 5 }),
        await sue('POST', `/api/v1/acd/interactions/${waiting.ok ? waiting.interaction.id : ''}/move`, { queueId: 'sales' }),
        await sue('GET', '/api/v1/acd/intervals?queueId=support'),
        await sue('GET', '/api/v1/acd/interactions?queueId=support'),
      ];
      assert.deepEqual(refusals.map((x) => x.status), refusals.map(() => 403));
      assert.match(String(refusals[2]!.body!['reason']), /agent bo is not one you oversee/);
      assert.equal(r.acd.acd.agents.get('bo')!.state, 'logged-out', 'the refused log-in changed nothing');
      assert.equal(r.acd.acd.interactions.get(waiting.ok ? waiting.interaction.id : '')!.queueId, 'support', 'the refused move changed nothing');

      const teamLive = (await ted('GET', '/api/v1/acd/live')).body!;
      assert.deepEqual([ids(teamLive['queues']), ids(teamLive['agents'])], [[], ['cy']]);
      assert.equal((await ted('POST', '/api/v1/acd/agents/cy/state', { action: 'login' })).status, 200);
      assert.equal((await ted('POST', '/api/v1/acd/agents/ana/state', { action: 'break', reason: 'lunch' })).status, 403);

      for (const whole of [all, r.call]) {
        const floor = (await whole('GET', '/api/v1/acd/live')).body!;
        assert.deepEqual([ids(floor['queues']), ids(floor['agents'])], [['sales', 'support'], ['ana', 'bo', 'cy']]);
      }
      assert.equal((await all('POST', `/api/v1/acd/interactions/${waiting.ok ? waiting.interaction.id : ''}/priority`, { priority: 5 })).status, 200);
    } finally {
      await r.cleanup();
    }
  });
});
