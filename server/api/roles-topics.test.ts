// Issue 14 acceptance, the event stream: each role hears exactly the topics the matrix grants.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { createApiHarness, quietApiLogger, signIn } from './testing.js';
import { startHttpServer } from './server.js';
import { createCallEventsEndpoint } from './events.js';
import type { AcdEventJson, CallEventJson, StreamEventJson } from './types.js';
import { EVENT_TOPICS } from '../users/index.js';
import type { AdminRole } from '../store/index.js';

const ROLES = ['agent', 'supervisor', 'admin', 'security-admin', 'auditor'] as const satisfies readonly AdminRole[];
// columns: agent, supervisor, admin, security-admin, auditor
const TOPICS: Record<string, string> = {
  calls: 'x x x - -',
  registrations: '- x x - -',
  acd: 'x x x - -',
  alerts: '- - x - -',
  transcripts: '- x x - -',
};
const AT = '2026-01-15T10:00:00.000Z';
const ONE_OF_EACH: Record<keyof typeof EVENT_TOPICS, StreamEventJson | AcdEventJson> = {
  calls: { type: 'newcall', callId: 'c1', at: AT, caller: '1001', callee: '1002' },
  registrations: { type: 'registration', at: AT, aor: 'sip:1001@pbx.test', contacts: 1 },
  acd: { type: 'acd.queue', at: AT },
  alerts: { type: 'alert', callId: 'c2', at: AT, caller: '1001', callee: '0044', alert: 'toll-fraud' },
  transcripts: { type: 'transcript.final', callId: 'c3', at: AT, caller: '1001', callee: '1002', leg: 'caller', startMs: 1200, endMs: 2400, text: 'my number is 13812345678' },
};

describe('roles × event topics (issue 14 acceptance)', () => {
  it('each role hears exactly the topics its permissions grant', async () => {
    const h = await createApiHarness();
    const acdListeners = new Set<(e: AcdEventJson) => void>();
    const endpoint = createCallEventsEndpoint({
      access: h.deps.access ?? assert.fail('shared access control'),
      callEvents: h.callEvents,
      acdEvents: { snapshot: () => ({ type: 'acd.snapshot', at: AT }), subscribe: (l) => (acdListeners.add(l), () => acdListeners.delete(l)), scoped: (e) => e, callInScope: () => true },
      logger: quietApiLogger,
    });
    const server = await startHttpServer({ app: h.app, port: 0, address: '127.0.0.1', logger: quietApiLogger, upgrade: endpoint });
    const sockets: WebSocket[] = [];
    try {
      assert.deepEqual(Object.keys(TOPICS).sort(), Object.keys(EVENT_TOPICS).sort(), 'one row per topic');
      const heard = new Map<AdminRole, Set<string>>();
      const transcriptText = new Map<AdminRole, string>();
      for (const role of ROLES) {
        await h.users.create({ username: `t-${role}`, password: 'correct horse', roles: [role] });
        const token = await signIn(h, `t-${role}`, 'correct horse');
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
        await once(ws, 'open');
        sockets.push(ws);
        const got = new Set<string>();
        heard.set(role, got);
        ws.on('message', (data: Buffer) => {
          const e = JSON.parse(data.toString()) as { type: string; text?: string };
          got.add(e.type);
          if (e.type === 'transcript.final') transcriptText.set(role, e.text ?? '');
        });
      }
      for (const event of Object.values(ONE_OF_EACH)) {
        if (event.type.startsWith('acd.')) for (const l of acdListeners) l(event as AcdEventJson);
        // the hub is typed for call events; registrations travel the same source in the server
        else h.callEvents.publish(event as unknown as CallEventJson);
      }
      // a final call event every calls-hearing client gets after the rest: then all have arrived
      const marker = ROLES.filter((r, i) => TOPICS['calls']?.split(' ')[i] === 'x').map((r) => once(sockets[ROLES.indexOf(r)]!, 'message'));
      h.callEvents.publish({ type: 'hangup', callId: 'end', at: AT, caller: '1', callee: '2' });
      await Promise.all(marker);
      await new Promise((r) => setTimeout(r, 200));
      const wrong: string[] = [];
      ROLES.forEach((role, i) => {
        for (const [topic, row] of Object.entries(TOPICS)) {
          const want = row.split(' ')[i] === 'x';
          const event = ONE_OF_EACH[topic as keyof typeof EVENT_TOPICS];
          const got = heard.get(role)?.has(event.type) ?? false;
          if (got !== want) wrong.push(`${role} ${topic}: ${got ? 'heard' : 'did not hear'} it`);
        }
      });
      assert.deepEqual(wrong, []);
      // live transcript text is masked as stored transcripts are, unless the role has pii.unmasked (admin)
      assert.equal(transcriptText.get('admin'), 'my number is 13812345678');
      assert.ok(!transcriptText.get('supervisor')?.includes('13812345678'), `supervisor heard ${transcriptText.get('supervisor')}`);
      assert.match(transcriptText.get('supervisor') ?? '', /^my number is /);
    } finally {
      for (const ws of sockets) ws.terminate();
      await server.close();
      await endpoint.close();
      await h.cleanup();
    }
  });
});
