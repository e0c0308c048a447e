import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { createApiHarness, jsonRequest, loginAs, quietApiLogger, type ApiHarness } from './testing.js';
import { startHttpServer } from './server.js';
import { createCallEventsEndpoint, type CallEventsEndpointOptions } from './events.js';
import type { CallEventJson } from './types.js';
import { QueueWrite } from './schemas-acd.js';

const EVENT: CallEventJson = {
  type: 'hangup',
  callId: '7f3c2a10-0000-4000-8000-000000000001',
  at: '2026-01-15T10:01:05.400Z',
  caller: '1001',
  callee: '1002',
  disposition: 'ANSWERED',
  hangupCause: 'normal-clearing',
};

async function serve(h: ApiHarness, options: Partial<CallEventsEndpointOptions> = {}) {
  const endpoint = createCallEventsEndpoint({
    access: h.deps.access ?? assert.fail('the harness shares its access control'),
    callEvents: h.callEvents,
    logger: quietApiLogger,
    ...options,
  });
  const server = await startHttpServer({ app: h.app, port: 0, address: '127.0.0.1', logger: quietApiLogger, upgrade: endpoint });
  const url = `ws://127.0.0.1:${server.port}/api/v1/events`;
  return { endpoint, server, url };
}

/** The handshake's HTTP status when it was refused, or 101. */
async function handshake(url: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(url, { headers });
  const status = await new Promise<number>((resolve, reject) => {
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
  ws.terminate();
  return status;
}

async function open(url: string, options: ConstructorParameters<typeof WebSocket>[2]): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  await once(ws, 'open');
  return ws;
}

describe('GET /api/v1/events (WebSocket)', () => {
  it('a client authenticated by bearer token receives each published call event as one JSON text frame', async () => {
    const h = await createApiHarness();
    const { server, url, endpoint } = await serve(h);
    try {
      const token = await loginAs(h);
      const ws = await open(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(endpoint.clients, 1);
      const received = once(ws, 'message');
      h.callEvents.publish(EVENT);
      const [data, isBinary] = (await received) as [Buffer, boolean];
      assert.equal(isBinary, false);
      assert.deepEqual(JSON.parse(data.toString('utf8')), EVENT);
      ws.close();
      await once(ws, 'close');
    } finally {
      await server.close();
      await h.cleanup();
    }
    assert.equal(h.callEvents.listeners, 0, 'close() unsubscribes');
  });

  it('listens to the call events only while a client is connected, so no event is built for nobody', async () => {
    const h = await createApiHarness();
    const { server, url, endpoint } = await serve(h);
    try {
      assert.equal(h.callEvents.listeners, 0, 'no client yet');
      const token = await loginAs(h);
      const ws = await open(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(h.callEvents.listeners, 1);
      const second = await open(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(h.callEvents.listeners, 1, 'one subscription for all clients');
      second.close();
      await once(second, 'close');
      while (endpoint.clients > 1) await new Promise((r) => setTimeout(r, 10));
      assert.equal(h.callEvents.listeners, 1, 'still a client');
      ws.close();
      await once(ws, 'close');
      while (endpoint.clients > 0) await new Promise((r) => setTimeout(r, 10));
      assert.equal(h.callEvents.listeners, 0, 'the last client left');
    } finally {
      await server.close();
      await h.cleanup();
    }
  });

  it('401 before the upgrade without a valid session; the session cookie works from the same origin only', async () => {
    const h = await createApiHarness();
    const { server, url } = await serve(h);
    try {
      const token = await loginAs(h);
      assert.equal(await handshake(url, {}), 401);
      assert.equal(await handshake(url, { authorization: 'Bearer not-a-session' }), 401);
      assert.equal(await handshake(url, { cookie: 'hailing_session=not-a-session' }), 401);
      const host = new URL(url).host;
      assert.equal(await handshake(url, { cookie: `hailing_session=${token}`, origin: `http://${host}` }), 101);
      assert.equal(await handshake(url, { cookie: `hailing_session=${token}`, origin: 'https://evil.example' }), 403);
      assert.equal(await handshake(url, { authorization: `Bearer ${token}`, origin: 'https://evil.example' }), 101);
      assert.equal(await handshake(url.replace('/api/v1/events', '/api/v1/other'), { authorization: `Bearer ${token}` }), 404);

      // the same path over plain HTTP: 401 without a session, 426 with one
      const http = url.replace('ws:', 'http:');
      assert.equal((await fetch(http)).status, 401);
      const plain = await fetch(http, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(plain.status, 426);
      assert.equal(plain.headers.get('upgrade'), 'websocket');
    } finally {
      await server.close();
      await h.cleanup();
    }
  });

  it('drops a client that stops reading once its unsent bytes pass the bound', async () => {
    const h = await createApiHarness();
    const { server, endpoint } = await serve(h, { maxBufferedBytes: 64 * 1024 });
    try {
      const token = await loginAs(h);
      // A raw TCP peer that completes the RFC 6455 handshake and then never reads again.
      const socket = connect(server.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        'GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `Authorization: Bearer ${token}\r\n\r\n`,
      );
      const [head] = (await once(socket, 'data')) as [Buffer];
      assert.match(head.toString('latin1'), /^HTTP\/1\.1 101 /);
      socket.pause();
      const closed = once(socket, 'close');
      const big: CallEventJson = { ...EVENT, hangupCause: 'x'.repeat(8192) };
      // loopback's socket buffers take a few MB (about 500 of these) before the bound is reached
      for (let i = 0; i < 10_000 && endpoint.clients > 0; i++) h.callEvents.publish(big);
      assert.equal(endpoint.clients, 0, 'dropped, not buffered without limit');
      socket.resume();
      await closed;
    } finally {
      await server.close();
      await h.cleanup();
    }
  });

  it('pings: drops a client that does not answer', async () => {
    const h = await createApiHarness();
    const { server, url } = await serve(h, { pingIntervalMs: 20 });
    try {
      const token = await loginAs(h);
      const silent = await open(url, { headers: { authorization: `Bearer ${token}` }, autoPong: false });
      const [code] = (await once(silent, 'close')) as [number];
      assert.equal(code, 1006, 'terminated without a close frame');
    } finally {
      await server.close();
      await h.cleanup();
    }
  });

  it('closes the stream with 1008 at the next ping once its session is revoked', async () => {
    const h = await createApiHarness();
    // long enough for a pong to come back on a loaded machine, so only the revocation ends it
    const { server, url } = await serve(h, { pingIntervalMs: 300 });
    try {
      const token = await loginAs(h);
      const ws = await open(url, { headers: { authorization: `Bearer ${token}` } });
      const logout = await h.app.request('/api/v1/auth/logout', jsonRequest('POST', {}, { authorization: `Bearer ${token}` }));
      assert.equal(logout.status, 204);
      const [code] = (await once(ws, 'close')) as [number];
      assert.equal(code, 1008, 'RFC 6455 7.4.1: policy violation');
    } finally {
      await server.close();
      await h.cleanup();
    }
  });

  it('refuses clients beyond maxClients with 503, and closes its clients with 1001 on shutdown', async () => {
    const h = await createApiHarness();
    const { server, url } = await serve(h, { maxClients: 1 });
    try {
      const token = await loginAs(h);
      const ws = await open(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(await handshake(url, { authorization: `Bearer ${token}` }), 503);
      const closed = once(ws, 'close');
      await server.close();
      const [code] = (await closed) as [number];
      assert.equal(code, 1001, 'RFC 6455 7.4.1: going away');
    } finally {
      await server.close();
      await h.cleanup();
    }
  });
  it('refuses (403) a session whose one-time password is not changed yet', async () => {
    const h = await createApiHarness();
    const { server, url, endpoint } = await serve(h);
    try {
      await h.users.create({ username: 'first', password: 'generated-once', mustChangePassword: true });
      const login = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'first', password: 'generated-once' }));
      const { token } = (await login.json()) as { token: string };
      assert.equal(await handshake(url, { authorization: `Bearer ${token}` }), 403);
      assert.equal(endpoint.clients, 0);
    } finally {
      await server.close();
      await h.cleanup();
    }
  });
});

describe('GET /api/v1/events: the ACD floor', () => {
  it('a client gets the ACD snapshot when it connects, then queue and agent deltas as they happen', async () => {
    const h = await createApiHarness();
    const acd = h.deps.acd!;
    await acd.putQueue({ ...QUEUE_DEFAULTS, id: 'sales', name: 'Sales' });
    const { server, url } = await serve(h, { acdEvents: acd });
    try {
      const token = await loginAs(h);
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
      const frames: { type: string; id?: string; queues?: { id: string }[]; queue?: { id: string }; agent?: { id: string; state: string; queues: string[] } }[] = [];
      ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as (typeof frames)[number]));
      await once(ws, 'open');
      await waitFor(() => frames.length >= 1);
      assert.equal(frames[0]!.type, 'acd.snapshot');
      assert.deepEqual(frames[0]!.queues!.map((q) => q.id), ['sales']);
      await acd.putAgent({ id: 'bo', name: 'Bo', extension: '1002', pin: '4321', skills: {}, capacity: {}, maxMissed: 3, team: null });
      // configuration changes are deltas too: a new agent, its membership, a new queue, a deleted one
      await waitFor(() => frames.some((f) => f.type === 'acd.agent' && f.agent?.state === 'logged-out'));
      await acd.addMembership({ agentId: 'bo', queueId: 'sales', penalty: 0, weight: 1, position: 0 });
      await waitFor(() => frames.some((f) => f.type === 'acd.agent' && f.agent?.queues.includes('sales') === true));
      await acd.putQueue({ ...QUEUE_DEFAULTS, id: 'support', name: 'Support' });
      await waitFor(() => frames.some((f) => f.type === 'acd.queue' && f.queue?.id === 'support'));
      assert.deepEqual(await acd.deleteQueue('support'), { ok: true });
      await waitFor(() => frames.some((f) => f.type === 'acd.queue-removed' && f.id === 'support'));
      assert.deepEqual(acd.agentAction('bo', { action: 'login', browser: false }), { ok: true });
      await waitFor(() => frames.some((f) => f.type === 'acd.agent' && f.agent?.state === 'available'));
      const agent = frames.filter((f) => f.type === 'acd.agent').at(-1);
      assert.deepEqual([agent?.agent?.id, agent?.agent?.state], ['bo', 'available']);
      ws.close();
      await once(ws, 'close');
    } finally {
      await server.close();
      await h.cleanup();
    }
  });
});

const QUEUE_DEFAULTS = QueueWrite.parse({ id: 'x', name: 'x' });

async function waitFor(check: () => boolean): Promise<void> {
  for (let n = 0; n < 200 && !check(); n++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check());
}
