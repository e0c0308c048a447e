// SIP over WebSocket (RFC 7118) on node:http / node:https servers with the `ws` package.
// Every WebSocket message carries exactly one SIP message (RFC 7118 §5.1), text or binary.
// Browsers cannot be dialled, so WS flows exist only as accepted connections.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isUtf8 } from 'node:buffer';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import type { Flow, ListeningPoint } from './types.js';
import type { Connection } from './connections.js';
import type { TransportContext } from './context.js';
import { describeError, isOnlyCrlf } from './context.js';
import { IdleTimer } from './idle-timer.js';
import type { TlsMaterial } from './stream.js';

export type WsProtocol = 'ws' | 'wss';

/** RFC 7118 §4: the subprotocol a SIP WebSocket client MUST offer. */
const SIP_SUBPROTOCOL = 'sip';

/** Bytes queued unsent before a connection counts as stalled (at least 16 maximum messages). */
const MIN_WRITE_BACKLOG = 1 << 20;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

class WsConnection implements Connection {
  readonly id: string;
  readonly flow: Flow;
  readonly inbound = true;
  readonly #ctx: TransportContext;
  readonly #ws: WebSocket;
  readonly #idle: IdleTimer;
  #closed = false;

  constructor(ctx: TransportContext, options: { ws: WebSocket; flow: Flow; id: string }) {
    this.#ctx = ctx;
    this.#ws = options.ws;
    this.id = options.id;
    this.flow = options.flow;
    this.#idle = new IdleTimer({ clock: ctx.clock, ms: ctx.idleTimeoutMs, onIdle: () => this.close() });
    this.#ws.on('message', (data, _isBinary) => this.#onMessage(toBuffer(data)));
    this.#ws.on('pong', () => this.#idle.touch());
    this.#ws.on('error', (err) => ctx.logger.debug({ connectionId: this.id, err: describeError(err) }, 'websocket error'));
    this.#ws.on('close', () => this.#onClose());
  }

  isOpen(): boolean {
    return !this.#closed && this.#ws.readyState === WebSocket.OPEN;
  }

  #onMessage(bytes: Buffer): void {
    try {
      this.#idle.touch();
      if (this.#closed) return;
      if (isOnlyCrlf(bytes)) {
        // RFC 5626 §3.5.1 keepalive carried in a frame (as SIP.js does): a CRLFCRLF ping gets a
        // CRLF pong; a lone CRLF is itself a pong and needs nothing
        if (bytes.length >= 4 && this.isOpen()) this.#ws.send('\r\n');
        return;
      }
      this.#ctx.receive(bytes, this.flow);
    } catch (err) {
      this.#ctx.logger.error({ connectionId: this.id, err: describeError(err) }, 'websocket message handler failed');
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen()) return Promise.reject(new Error(`connection ${this.id} (${this.flow.protocol}) is closed`));
    // a browser that stops reading must not make us buffer without bound: drop it like a dead flow
    if (this.#ws.bufferedAmount > Math.max(MIN_WRITE_BACKLOG, 16 * this.#ctx.limits.maxMessageBytes)) {
      this.#ctx.logger.warn({ connectionId: this.id, backlog: this.#ws.bufferedAmount }, 'peer not reading: closing');
      this.close();
      return Promise.reject(new Error(`connection ${this.id} (${this.flow.protocol}) closed: peer is not reading`));
    }
    this.#idle.touch();
    this.#ctx.traceOut(bytes, this.flow);
    // RFC 7118 §5.1: text frames for UTF-8 messages; a body that is not UTF-8 needs a binary frame
    const binary = !isUtf8(bytes);
    return new Promise<void>((resolve, reject) => {
      try {
        this.#ws.send(bytes, { binary }, (err) => {
          if (err) reject(new Error(`write on connection ${this.id} failed: ${describeError(err)}`));
          else resolve();
        });
      } catch (err) {
        reject(new Error(`write on connection ${this.id} failed: ${describeError(err)}`));
      }
    });
  }

  writeKeepalive(): boolean {
    if (!this.isOpen()) return false;
    this.#idle.touch();
    this.#ws.send('\r\n\r\n');
    return true;
  }

  close(): void {
    if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.terminate();
    this.#onClose();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle.stop();
    this.#ctx.registry.remove(this);
    this.#ctx.flowClosed(this.flow);
  }
}

/** Reject an upgrade request on the raw socket with a minimal HTTP response. */
function refuse(socket: net.Socket, status: string): void {
  try {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  } catch {
    socket.destroy();
  }
}

export class WebSocketListener {
  readonly #ctx: TransportContext;
  readonly #protocol: WsProtocol;
  readonly #address: string;
  readonly #requestedPort: number;
  readonly #tls: TlsMaterial | undefined;
  #server: http.Server | undefined;
  #wss: WebSocketServer | undefined;
  #point: ListeningPoint | undefined;

  constructor(ctx: TransportContext, options: { protocol: WsProtocol; address: string; port: number; tls?: TlsMaterial }) {
    this.#ctx = ctx;
    this.#protocol = options.protocol;
    this.#address = options.address;
    this.#requestedPort = options.port;
    this.#tls = options.tls;
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
    const server: http.Server = this.#tls && this.#protocol === 'wss'
      ? https.createServer({ cert: this.#tls.cert, key: this.#tls.key }, onRequest)
      : http.createServer(onRequest);
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

  #onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    try {
      const wss = this.#wss;
      const remoteAddress = socket.remoteAddress;
      if (!wss || !remoteAddress) {
        socket.destroy();
        return;
      }
      if (!this.#ctx.registry.admits(remoteAddress)) {
        refuse(socket, '503 Service Unavailable');
        return;
      }
      // RFC 7118 §4: the handshake MUST offer the "sip" subprotocol; without it this is not SIP
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes(SIP_SUBPROTOCOL)) {
        refuse(socket, '400 Bad Request');
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
    if (!localAddress || !localPort || !remoteAddress || !remotePort || !this.#ctx.registry.admits(remoteAddress)) {
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
    this.#ctx.registry.add(new WsConnection(this.#ctx, { ws, flow, id }));
  }

  close(): Promise<void> {
    const server = this.#server;
    const wss = this.#wss;
    this.#server = undefined;
    this.#wss = undefined;
    this.#point = undefined;
    if (!server) return Promise.resolve();
    wss?.close();
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
