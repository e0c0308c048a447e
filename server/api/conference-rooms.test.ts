// /api/v1/conference-rooms: a room's participant PIN, moderator PIN and wait-for-moderator. PINs go
// in and never come out (hasPin); a bad PIN, the same PIN twice or waiting for a moderator nobody
// can be is a 400 naming the field; the policy the conference handler reads gives each PIN its role.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apiClient, createApiHarness } from './testing.js';
import { ConferenceSettings } from '../calls/index.js';
import { ConferenceRoomRepository } from '../store/index.js';

type Issues = { issues: { path: string; message: string }[] };
const fieldOf = (body: unknown) => (body as Issues).issues.map((i) => i.path);

describe('conference room settings routes', () => {
  it('an admin creates, changes and removes a PIN room; the PINs are never returned; bad fields are refused by name', async () => {
    const h = await createApiHarness();
    try {
      const admin = await apiClient(h, 'admin');
      for (const [body, field] of [
        [{ room: '3001', participantPin: '12' }, 'participantPin'],
        [{ room: '3001', participantPin: '12345678901234' }, 'participantPin'],
        [{ room: '3001', participantPin: '12a4' }, 'participantPin'],
        [{ room: '3001', moderatorPin: 1234 }, 'moderatorPin'],
        [{ room: '3001', participantPin: '1234', moderatorPin: '1234' }, 'moderatorPin'],
        [{ room: '3001', participantPin: '1234', waitForModerator: true }, 'waitForModerator'],
        [{ room: 'abc', participantPin: '1234' }, 'room'],
        [{ room: '3001', pin: '1234' }, ''],
      ] as const) {
        const r = await admin('POST', '/api/v1/conference-rooms', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.ok(fieldOf(r.body).includes(field), `${field}: ${JSON.stringify(r.body)}`);
      }

      const made = await admin('POST', '/api/v1/conference-rooms', { room: '3001', name: 'Board', participantPin: '4321', moderatorPin: '98765', waitForModerator: true });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.deepEqual({ ...made.body, createdAt: undefined, updatedAt: undefined }, { room: '3001', name: 'Board', hasPin: true, hasModeratorPin: true, waitForModerator: true, createdAt: undefined, updatedAt: undefined });
      assert.doesNotMatch(JSON.stringify(made.body), /4321|98765/);
      assert.equal((await admin('POST', '/api/v1/conference-rooms', { room: '3001' })).status, 409);

      // one PIN changed: the other is kept, and may not equal the new one
      const same = await admin('PUT', '/api/v1/conference-rooms/3001', { moderatorPin: '4321' });
      assert.equal(same.status, 400);
      assert.deepEqual(fieldOf(same.body), ['moderatorPin']);
      const noModerator = await admin('PUT', '/api/v1/conference-rooms/3001', { moderatorPin: null });
      assert.deepEqual([noModerator.status, fieldOf(noModerator.body)], [400, ['waitForModerator']]);

      // what the handler reads, through a repository of its own (its cache starts empty)
      const policyOf = (room: string) => new ConferenceSettings({ repository: new ConferenceRoomRepository({ db: h.database.db }) }).policy(room);
      const policy = await policyOf('3001');
      assert.ok(policy);
      assert.deepEqual([await policy.roleOf('4321'), await policy.roleOf('98765'), await policy.roleOf('1111'), await policy.roleOf('')], ['participant', 'moderator', null, null]);

      const changed = await admin('PUT', '/api/v1/conference-rooms/3001', { participantPin: '5555', waitForModerator: false });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual([changed.body?.['hasPin'], changed.body?.['hasModeratorPin'], changed.body?.['waitForModerator'], changed.body?.['name']], [true, true, false, 'Board']);
      const now = await policyOf('3001');
      assert.deepEqual([await now?.roleOf('5555'), await now?.roleOf('4321'), await now?.roleOf('98765')], ['participant', null, 'moderator']);

      // a moderator PIN only: '#' alone joins as participant
      const open = await admin('PUT', '/api/v1/conference-rooms/3001', { participantPin: null });
      assert.equal(open.body?.['hasPin'], false);
      const modOnly = await policyOf('3001');
      assert.deepEqual([modOnly?.participantPin, await modOnly?.roleOf(''), await modOnly?.roleOf('98765'), await modOnly?.roleOf('5555')], [false, 'participant', 'moderator', null]);

      const listed = await admin('GET', '/api/v1/conference-rooms');
      assert.deepEqual((listed.body?.['items'] as { room: string }[]).map((r) => r.room), ['3001']);
      assert.equal((await admin('GET', '/api/v1/conference-rooms/3002')).status, 404);
      assert.equal((await admin('PUT', '/api/v1/conference-rooms/3002', { participantPin: '1234' })).status, 404);
      const audited = [...(await h.auditRepo.list({ action: 'conference-room.create' })), ...(await h.auditRepo.list({ action: 'conference-room.update' }))];
      assert.equal(audited.length, 3, 'one create and the two changes that were made, audited');
      assert.doesNotMatch(JSON.stringify(audited), /4321|98765|5555/, 'no PIN in the audit log');

      assert.equal((await admin('DELETE', '/api/v1/conference-rooms/3001')).status, 204);
      assert.equal((await admin('DELETE', '/api/v1/conference-rooms/3001')).status, 404);
      assert.equal(await policyOf('3001'), null, 'a room without settings is open');
    } finally {
      await h.cleanup();
    }
  });

  it('property: any mix of fields gets a 4xx naming a field or a success that holds no PIN, never a 5xx', async (t) => {
    const h = await createApiHarness();
    const seen = new Map<number, number>();
    try {
      const admin = await apiClient(h, 'admin');
      // mostly well-formed, so that rooms get made and changed; the rest anything
      const pin = fc.oneof({ arbitrary: fc.stringMatching(/^[0-9]{4,12}$/), weight: 6 }, fc.constant(null), fc.stringMatching(/^[0-9]{0,14}$/), fc.jsonValue({ maxDepth: 1 }));
      const spec = fc.record({ room: fc.oneof({ arbitrary: fc.constantFrom('3000', '3001', '3002'), weight: 6 }, fc.stringMatching(/^[0-9]{1,5}$/), fc.string({ maxLength: 40 })), name: fc.oneof(fc.constant(null), fc.string({ maxLength: 90 })), participantPin: pin, moderatorPin: pin, waitForModerator: fc.oneof({ arbitrary: fc.boolean(), weight: 4 }, fc.jsonValue({ maxDepth: 0 })) }, { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(spec, fc.boolean(), async (body, create) => {
          const { room, ...change } = body;
          const r = create ? await admin('POST', '/api/v1/conference-rooms', body) : await admin('PUT', `/api/v1/conference-rooms/${encodeURIComponent(String(room ?? '3000'))}`, change);
          seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
          assert.ok(r.status < 500, `${r.status} for ${JSON.stringify(body)}`);
          if (r.status === 400) assert.ok((r.body as unknown as Issues).issues?.length > 0, JSON.stringify(r.body));
          if (r.status < 300) {
            for (const p of [body.participantPin, body.moderatorPin]) if (typeof p === 'string' && p.length >= 4) assert.ok(!JSON.stringify(r.body).includes(`"${p}"`), 'no PIN in the answer');
          }
        }),
        { numRuns: 100 },
      );
      t.diagnostic(`statuses: ${JSON.stringify([...seen].sort())}`);
    } finally {
      await h.cleanup();
    }
  });
});

