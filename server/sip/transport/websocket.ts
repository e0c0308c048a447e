// SIP over WebSocket (RFC 7118) listening points on node:http / node:https servers with the `ws`
// package; each upgraded socket becomes a WsConnection (ws-connection.ts) in the shared registry.
// Browsers cannot be dialled, so WS flows exist only as accepted connections.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Flow, ListeningPoint } from './types.js';
import type { TransportContext } from './context.js';
import { describeError } from './context.js';
import { ReadDeadline } from './idle-timer.js';
import type { TlsMaterial } from './stream.js';
import { WsConnection } from './ws-connection.js';
import { endRefusedUpgrade } from './refused-upgrade.js';
import { PendingSockets } from './pending-sockets.js';

export type WsProtocol = 'ws' | 'wss';

/** RFC 7118 §4: the subprotocol a SIP WebSocket client MUST offer. */
const SIP_SUBPROTOCOL = 'sip';

/** A TLS handshake that has not finished by then is abandoned (as on the TLS listening point). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export class WebSocketListener {
  readonly #ctx: TransportContext;
  readonly #protocol: WsProtocol;
  readonly #address: string;
  readonly #requestedPort: number;
  readonly #tls: TlsMaterial | undefined;
  #server: http.Server | undefined;
  #wss: WebSocketServer | undefined;
  #point: ListeningPoint | undefined;
  /** every accepted TCP socket (upgraded, refused or still in HTTP), so close() leaves none behind */
  readonly #sockets = new Set<net.Socket>();
  /** sockets that have not upgraded yet, each with its deadline for a whole upgrade request */
  readonly #pending = new Map<net.Socket, ReadDeadline>();
  /** sockets not upgraded yet (TLS handshake included), counted against their source's limit */
  readonly #unupgraded: PendingSockets;

  constructor(ctx: TransportContext, options: { protocol: WsProtocol; address: string; port: number; tls?: TlsMaterial }) {
    this.#ctx = ctx;
    this.#protocol = options.protocol;
    this.#address = options.address;
    this.#requestedPort = options.port;
    this.#tls = options.tls;
    this.#unupgraded = new PendingSockets(ctx.registry);
  }

  listeningPoint(): ListeningPoint | undefined {
    return this.#point;
  }

  start(): Promise<void> {
    const label = `${this.#protocol} ${this.#address}:${this.#requestedPort}`;
    if (this.#protocol === 'wss' && !this.#tls) return Promise.reject(new Error(`${label}: no certificate configured`));
    const onRequest = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
      res.writeHead(426, { Connection: 'close', Upgrade: 'websocket' }).end();
    };
    const secure = this.#tls !== undefined && this.#protocol === 'wss';
    const server: http.Server = secure
      ? https.createServer({ cert: this.#tls?.cert, key: this.#tls?.key, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, onRequest)
      : http.createServer(onRequest);
    server.on('connection', (socket: net.Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      // from the accept to the upgrade a socket counts against its source's limit and a global
      // cap, or one address could hold any number of half-sent upgrade requests (issue 18); a
      // source at its limit of connections is refused at the upgrade, with a 503 it can read
      if (!this.#unupgraded.hold(socket)) {
        socket.destroy();
        return;
      }
      if (!secure) this.#awaitUpgrade(socket);
    });
    // the upgrade handler sees the TLS socket, so that is the one timed
    if (secure) server.on('secureConnection', (socket: net.Socket) => this.#awaitUpgrade(socket));
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.#ctx.limits.maxMessageBytes,
      handleProtocols: () => SIP_SUBPROTOCOL,
    });
    this.#server = server;
    this.#wss = wss;
    server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.#onUpgrade(req, socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
    return new Promise<void>((resolve, reject) => {
      const onListenError = (err: Error): void => {
        this.#server = undefined;
        this.#wss = undefined;
        server.close();
        wss.close();
        reject(new Error(`cannot bind ${label}: ${describeError(err)}`));
      };
      server.once('error', onListenError);
      server.listen({ host: this.#address, port: this.#requestedPort, ipv6Only: net.isIPv6(this.#address), exclusive: true }, () => {
        server.off('error', onListenError);
        server.on('error', (err) => this.#ctx.logger.warn({ err: describeError(err) }, `${this.#protocol} server error`));
        const addr = server.address();
        if (addr && typeof addr === 'object') this.#point = { protocol: this.#protocol, address: addr.address, port: addr.port };
        resolve();
      });
    });
  }

  /** The upgrade request must arrive whole within the read timeout of the accept (slowloris). */
  #awaitUpgrade(socket: net.Socket): void {
    const deadline = new ReadDeadline({
      clock: this.#ctx.clock,
      ms: this.#ctx.readTimeoutMs,
      onExpired: () => {
        this.#pending.delete(socket);
        socket.destroy();
      },
    });
    deadline.arm();
    this.#pending.set(socket, deadline);
    socket.once('close', () => {
      deadline.disarm();
      this.#pending.delete(socket);
    });
  }

  /** Refuse an upgrade with a minimal HTTP response; the socket is gone after the error grace. */
  #refuse(socket: net.Socket, status: string): void {
    endRefusedUpgrade({
      socket,
      response: `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      clock: this.#ctx.clock,
      lingerMs: this.#ctx.errorGraceMs,
    });
  }

  #onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    try {
      this.#pending.get(socket)?.disarm();
      this.#pending.delete(socket);
      // from here the socket counts as a connection (admits/admit), not as a pending one
      this.#unupgraded.release(socket);
      const wss = this.#wss;
      const remoteAddress = socket.remoteAddress;
      if (!wss || !remoteAddress) {
        socket.destroy();
        return;
      }
      if (!this.#ctx.registry.admits(remoteAddress)) {
        this.#refuse(socket, '503 Service Unavailable');
        return;
      }
      // RFC 7118 §4: the handshake MUST offer the "sip" subprotocol; without it this is not SIP
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes(SIP_SUBPROTOCOL)) {
        this.#refuse(socket, '400 Bad Request');
        return;
      }
      socket.on('error', () => socket.destroy());
      wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, socket));
    } catch (err) {
      this.#ctx.logger.error({ err: describeError(err) }, 'websocket upgrade failed');
      socket.destroy();
    }
  }

  #accept(ws: WebSocket, socket: net.Socket): void {
    const { localAddress, localPort, remoteAddress, remotePort } = socket;
    // the handshake is done: now a full table may give up another network's idlest connection
    if (!localAddress || !localPort || !remoteAddress || !remotePort || !this.#ctx.registry.admit(remoteAddress)) {
      ws.terminate();
      return;
    }
    const id = this.#ctx.nextConnectionId(this.#protocol);
    const flow: Flow = {
      protocol: this.#protocol,
      local: { address: localAddress, port: localPort },
      remote: { address: remoteAddress, port: remotePort },
      connectionId: id,
    };
    this.#ctx.registry.add(new WsConnection(this.#ctx, { ws, socket, flow, id }));
  }

  close(): Promise<void> {
    const server = this.#server;
    const wss = this.#wss;
    this.#server = undefined;
    this.#wss = undefined;
    this.#point = undefined;
    if (!server) return Promise.resolve();
    wss?.close();
    for (const deadline of this.#pending.values()) deadline.disarm();
    this.#pending.clear();
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      // upgraded and refused sockets are no longer the HTTP server's; server.close() waits for them
      for (const socket of this.#sockets) socket.destroy();
    });
  }
}
