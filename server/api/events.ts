// GET /api/v1/events as a WebSocket (RFC 6455): every call event, one JSON text frame each, to every
// authenticated client. The upgrade is answered on the HTTP server's 'upgrade' event, before hono
// sees anything, so authentication happens here: 401 (and no handshake) without a valid session.
//
// Bounded: each event is serialised once and sent to all; a client that does not read (its
// unsent bytes exceed maxBufferedBytes) is dropped rather than buffered without limit; a ping every
// pingIntervalMs drops clients that stopped answering and those whose session ended (logout, expiry).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseCookies } from 'hono/utils/cookie';
import { WebSocketServer, type WebSocket } from 'ws';
import { SESSION_COOKIE } from './auth.js';
import type { AccessControl, Principal } from './access.js';
import { EVENT_TOPICS, topicOfEvent } from '../users/index.js';
import type { AcdEventJson, AcdEventSource, ApiLogger, CallEventJson, CallEventSource, StreamEventJson, TranscriptEventJson } from './types.js';
import { maskPii } from '../security/pii.js';
import { maskAcdEvent, maskParties, seesUnmasked } from './pii-access.js';
import type { EventTopic } from '../users/index.js';

/** An event as a client without pii.unmasked gets it: numbers masked (and what was said, for transcripts). */
function maskEvent(topic: EventTopic, e: StreamEventJson | AcdEventJson): StreamEventJson | AcdEventJson {
  if (topic === 'acd') return maskAcdEvent(e);
  if (topic === 'transcripts') return { ...maskParties(e as TranscriptEventJson), text: maskPii((e as TranscriptEventJson).text) };
  if (topic === 'calls') return maskParties(e as CallEventJson);
  return e;
}
import type { FloorScope } from '../acd/scope.js';
import { floorScopeOf } from './floor-scope.js';
import { endRefusedUpgrade, systemClock } from '../sip/index.js';

export const EVENTS_PATH = '/api/v1/events';

export interface CallEventsEndpointOptions {
  /** resolves the session or API token under the active policy (access.ts), as the API's authorizer does */
  access: Pick<AccessControl, 'resolve'>;
  /** absent: clients connect and hear nothing */
  callEvents?: CallEventSource;
  /** the ACD floor: each client gets a snapshot when it connects, then the deltas as they happen */
  acdEvents?: AcdEventSource;
  logger: ApiLogger;
  /** default 30 000 */
  pingIntervalMs?: number;
  /** unsent bytes after which a client is dropped (default 1 MiB) */
  maxBufferedBytes?: number;
  /** connections beyond this are refused with 503 (default 500) */
  maxClients?: number;
}

/** What startHttpServer hands upgrade requests to. */
export interface UpgradeEndpoint {
  /** false when the request is not for this endpoint (the caller answers it) */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every client (1001 going away) and stops; idempotent. */
  close(): Promise<void>;
}

export interface CallEventsEndpoint extends UpgradeEndpoint {
  /** connected clients */
  readonly clients: number;
}

interface Client {
  readonly ws: WebSocket;
  readonly token: string;
  readonly username: string;
  /** the topics this client's roles (or token) grant: an event of any other topic is not sent */
  readonly hears: ReadonlySet<string>;
  /** a supervisor's queues and teams: ACD and call events outside them are not sent (undefined: all) */
  readonly floor: FloorScope | undefined;
  /** pii.unmasked: numbers and transcript text are sent as they are; otherwise masked as the API masks them (pii-access.ts) */
  readonly unmasked: boolean;
  alive: boolean;
}

/** The event topics a principal may hear (roles.ts EVENT_TOPICS). */
export function topicsOf(p: Principal): Set<string> {
  return new Set(Object.entries(EVENT_TOPICS).filter(([, permission]) => p.permissions.has(permission)).map(([topic]) => topic));
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i;

/** The session token and how it came: a bearer header wins over the cookie, as in requireSession. */
function credentialsOf(req: IncomingMessage): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = BEARER.exec(header.trim())?.[1];
    return token === undefined ? undefined : { token, via: 'bearer' };
  }
  const cookie = req.headers.cookie;
  const token = cookie === undefined ? undefined : parseCookies(cookie, SESSION_COOKIE)[SESSION_COOKIE];
  return token === undefined || token === '' ? undefined : { token, via: 'cookie' };
}

/**
 * A browser sends the cookie with a WebSocket handshake from any page (the handshake is not subject
 * to CORS), so a cookie-authenticated upgrade must come from a page of this server: RFC 6455 §10.2,
 * the server checks Origin. Bearer tokens are never sent by the browser on its own.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** How long a refused upgrade's socket may linger for the peer to read the response and close. */
const REFUSAL_LINGER_MS = 2_000;
const refusalClock = systemClock();

/** Answer an upgrade the API will not take, then make sure its socket goes (issue 18 finding 4). */
export function endRefusedApiUpgrade(options: { socket: Duplex; response: string }): void {
  endRefusedUpgrade({ ...options, clock: refusalClock, lingerMs: REFUSAL_LINGER_MS });
}

function refuse(socket: Duplex, status: 401 | 403 | 404 | 503, reason: string): void {
  const body = JSON.stringify({ error: reason });
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status];
  endRefusedApiUpgrade({
    socket,
    response:
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  });
}

export function createCallEventsEndpoint(options: CallEventsEndpointOptions): CallEventsEndpoint {
  const { logger } = options;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const maxClients = options.maxClients ?? 500;
  // clients send nothing but control frames; anything large is not one of ours
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const clients = new Set<Client>();
  let closing: Promise<void> | undefined;

  const drop = (client: Client, why: string) => {
    logger.warn({ user: client.username, why }, 'dropping events client');
    // out of the set at once: terminate()'s 'close' comes later, and publish must skip it now
    remove(client);
    client.ws.terminate();
  };

  const callTouches = (floor: FloorScope, e: CallEventJson | TranscriptEventJson) => options.acdEvents?.callInScope(floor, { id: e.callId, caller: e.caller, callee: e.callee }) ?? false;
  const publish = (event: StreamEventJson | AcdEventJson) => {
    if (clients.size === 0) return;
    const topic = topicOfEvent(event.type);
    if (topic === undefined) return;
    const text = JSON.stringify(event);
    // one serialisation for every unscoped client without pii.unmasked too
    let masked: string | undefined;
    for (const client of clients) {
      if (client.ws.readyState !== client.ws.OPEN || !client.hears.has(topic)) continue;
      // a scoped supervisor's ACD events are filtered for it; everyone else shares one serialisation
      const scoped = topic === 'acd' && client.floor !== undefined ? options.acdEvents?.scoped(event as AcdEventJson, client.floor) : event;
      if (scoped === undefined) continue;
      // and its call events (and what was said in them) to the calls that touch its queues or agents (no ACD: none do)
      if ((topic === 'calls' || topic === 'transcripts') && client.floor !== undefined && !callTouches(client.floor, event as CallEventJson | TranscriptEventJson)) continue;
      if (client.ws.bufferedAmount > maxBuffered) drop(client, 'not reading: send buffer full');
      else if (client.unmasked) client.ws.send(scoped === event ? text : JSON.stringify(scoped));
      else client.ws.send(scoped === event ? (masked ??= JSON.stringify(maskEvent(topic, event))) : JSON.stringify(maskEvent(topic, scoped)));
    }
  };
  // Subscribed only while a client is connected: with none, every call event would still be built
  // (a JSON object and an ISO time each, four per call) for nobody (issue 10 benchmark).
  let unsubscribe: (() => void) | undefined;
  const listen = () => {
    if (unsubscribe !== undefined) return;
    const offs = [options.callEvents?.subscribe(publish), options.acdEvents?.subscribe(publish)];
    unsubscribe = () => offs.forEach((off) => off?.());
  };
  const remove = (client: Client) => {
    clients.delete(client);
    if (clients.size > 0) return;
    unsubscribe?.();
    unsubscribe = undefined;
  };

  const tick = async () => {
    for (const client of clients) {
      if (!client.alive) {
        drop(client, 'no pong since the last ping');
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
    // a revoked or expired session loses the stream at the next tick, not when the socket dies
    for (const client of [...clients]) {
      const valid = await options.access.resolve({ token: client.token }).catch(() => undefined);
      if (!valid?.ok && clients.has(client)) client.ws.close(1008, 'session ended');
    }
  };
  const timer = setInterval(() => {
    tick().catch((err: unknown) => logger.error({ err }, 'events ping failed'));
  }, options.pingIntervalMs ?? 30_000);
  timer.unref();

  const accept = (ws: WebSocket, token: string, principal: Principal) => {
    const username = principal.user.username;
    const client: Client = { ws, token, username, hears: topicsOf(principal), floor: floorScopeOf(principal), unmasked: seesUnmasked(principal), alive: true };
    // snapshot first, then deltas: both are sent from this thread, so nothing can come between
    if (options.acdEvents && client.hears.has('acd')) {
      const first = options.acdEvents.scoped(options.acdEvents.snapshot(), client.floor);
      ws.send(JSON.stringify(first === undefined || client.unmasked ? first : maskEvent('acd', first)));
    }
    clients.add(client);
    listen();
    logger.debug({ user: username, clients: clients.size }, 'events client connected');
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', () => {}); // nothing to say to us; ignored
    ws.on('error', (err) => logger.debug({ err, user: username }, 'events client error'));
    ws.on('close', () => {
      remove(client);
      logger.debug({ user: username, clients: clients.size }, 'events client left');
    });
  };

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const credentials = credentialsOf(req);
    if (credentials === undefined) return refuse(socket, 401, 'unauthorized');
    const source = req.socket.remoteAddress;
    const found = await options.access.resolve({ token: credentials.token, ...(source !== undefined ? { source } : {}) });
    if (!found.ok) return refuse(socket, 401, 'unauthorized');
    if (found.principal.pending === 'password-change') return refuse(socket, 403, 'password change required');
    if (found.principal.pending === 'mfa-enrolment') return refuse(socket, 403, 'mfa enrolment required');
    if (credentials.via === 'cookie' && !sameOrigin(req)) return refuse(socket, 403, 'cross-origin request refused');
    if (closing !== undefined || clients.size >= maxClients) return refuse(socket, 503, 'too many event clients');
    if (socket.destroyed) return;
    // ws answers a malformed handshake (RFC 6455 §4.2.1) with 400 itself
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, credentials.token, found.principal));
  };

  return {
    get clients() {
      return clients.size;
    },
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? '').split('?')[0];
      if (path !== EVENTS_PATH) return false;
      // a peer that resets during the session lookup must not become an unhandled 'error'
      socket.on('error', (err) => logger.debug({ err }, 'events upgrade socket error'));
      upgrade(req, socket, head).catch((err: unknown) => {
        logger.error({ err }, 'events upgrade failed');
        socket.destroy();
      });
      return true;
    },
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        unsubscribe?.();
        unsubscribe = undefined;
        const closed = [...clients].map(
          (client) =>
            new Promise<void>((done) => {
              client.ws.once('close', () => done());
              client.ws.close(1001, 'server shutting down');
              // a peer that never answers the close frame does not hold shutdown up
              setTimeout(() => client.ws.terminate(), 1000).unref();
            }),
        );
        await Promise.all(closed);
        await new Promise<void>((done) => wss.close(() => done()));
      })();
      return closing;
    },
  };
}
