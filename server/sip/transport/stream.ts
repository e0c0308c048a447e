// TCP and TLS listening points and outbound connections (RFC 3261 §18.2.2, §18.3; RFC 5630 for
// TLS). Each accepted or dialled socket becomes a StreamConnection in the shared registry.
import net from 'node:net';
import tls from 'node:tls';
import type { Flow, HostPort, ListeningPoint, TlsPeer } from './types.js';
import type { TransportContext } from './context.js';
import { describeError } from './context.js';
import { StreamConnection } from './stream-connection.js';
import { PendingSockets } from './pending-sockets.js';

export type StreamProtocol = 'tcp' | 'tls';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** A TLS handshake that has not finished by then is abandoned (a slow-loris guard). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

function flowOf(protocol: StreamProtocol, socket: net.Socket): Flow | undefined {
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (!localAddress || !localPort || !remoteAddress || !remotePort) return undefined;
  return {
    protocol,
    local: { address: localAddress, port: localPort },
    remote: { address: remoteAddress, port: remotePort },
  };
}

export class StreamListener {
  readonly #ctx: TransportContext;
  readonly #protocol: StreamProtocol;
  readonly #address: string;
  readonly #requestedPort: number;
  readonly #tls: TlsMaterial | undefined;
  #server: net.Server | undefined;
  #point: ListeningPoint | undefined;
  /** every accepted socket, handshaking or refused ones too, so close() leaves none behind */
  readonly #sockets = new Set<net.Socket>();
  /** TLS sockets still in their handshake, counted against their source's limit */
  readonly #handshaking: PendingSockets;

  constructor(
    ctx: TransportContext,
    options: { protocol: StreamProtocol; address: string; port: number; tls?: TlsMaterial },
  ) {
    this.#ctx = ctx;
    this.#protocol = options.protocol;
    this.#address = options.address;
    this.#requestedPort = options.port;
    this.#tls = options.tls;
    this.#handshaking = new PendingSockets(ctx.registry);
  }

  listeningPoint(): ListeningPoint | undefined {
    return this.#point;
  }

  start(): Promise<void> {
    let server: net.Server;
    if (this.#protocol === 'tls') {
      if (!this.#tls) {
        return Promise.reject(new Error(`tls ${this.#address}:${this.#requestedPort}: no certificate configured`));
      }
      const tlsServer = tls.createServer({
        cert: this.#tls.cert,
        key: this.#tls.key,
        handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
      });
      // refuse over-limit sources before spending a handshake on them (admits() evicts nobody:
      // only a finished handshake may take a slot from another source)
      // handshaking sockets count against the per-source limit and a global cap, or one address
      // could hold any number of them (issue 18)
      tlsServer.on('connection', (raw: net.Socket) => {
        this.#track(raw);
        if (!raw.remoteAddress || !this.#ctx.registry.admits(raw.remoteAddress) || !this.#handshaking.hold(raw)) raw.destroy();
      });
      tlsServer.on('secureConnection', (socket: tls.TLSSocket) => {
        this.#handshaking.release(socket);
        this.#accept(socket);
      });
      tlsServer.on('tlsClientError', (err) => this.#ctx.logger.debug({ err: describeError(err) }, 'tls handshake failed'));
      server = tlsServer;
    } else {
      server = net.createServer((socket) => this.#accept(socket));
      server.on('connection', (socket: net.Socket) => this.#track(socket));
    }
    this.#server = server;
    return new Promise<void>((resolve, reject) => {
      const onListenError = (err: Error): void => {
        this.#server = undefined;
        server.close();
        reject(
          new Error(`cannot bind ${this.#protocol} ${this.#address}:${this.#requestedPort}: ${describeError(err)}`),
        );
      };
      server.once('error', onListenError);
      server.listen(
        { host: this.#address, port: this.#requestedPort, ipv6Only: net.isIPv6(this.#address), exclusive: true },
        () => {
          server.off('error', onListenError);
          server.on('error', (err) => this.#ctx.logger.warn({ err: describeError(err) }, `${this.#protocol} server error`));
          const addr = server.address();
          if (addr && typeof addr === 'object') {
            this.#point = { protocol: this.#protocol, address: addr.address, port: addr.port };
          }
          resolve();
        },
      );
    });
  }

  #track(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #accept(socket: net.Socket): void {
    try {
      const flow = flowOf(this.#protocol, socket);
      // excess connections (per source IP, or a full table with no fair share to reclaim) are
      // closed at once, before reading a byte
      if (!flow || !this.#ctx.registry.admit(flow.remote.address)) {
        this.#ctx.logger.debug({ remote: socket.remoteAddress }, `${this.#protocol} connection refused: limit`);
        socket.destroy();
        return;
      }
      const id = this.#ctx.nextConnectionId(this.#protocol);
      const conn = new StreamConnection(this.#ctx, { socket, flow: { ...flow, connectionId: id }, id, inbound: true });
      this.#ctx.registry.add(conn);
    } catch (err) {
      this.#ctx.logger.error({ err: describeError(err) }, `${this.#protocol} accept failed`);
      socket.destroy();
    }
  }

  close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#point = undefined;
    if (!server) return Promise.resolve();
    // connections are destroyed by the layer through the registry; what is left here is a socket
    // still handshaking, which server.close() would otherwise wait for
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    return closed;
  }
}

/**
 * Dial a TCP or TLS connection (RFC 3261 §18.1.1). A TLS peer is verified when the sender asks
 * (`tls.verify`: carrier trunks, by default, against their CA and domain, RFC 5922 §7.2); otherwise
 * not: phones commonly present self-signed certificates and authenticate by digest.
 */
export function connectStream(
  ctx: TransportContext,
  options: { protocol: StreamProtocol; remote: HostPort; tls?: TlsPeer },
): Promise<StreamConnection> {
  const { protocol, remote } = options;
  const peer = options.tls;
  const serverName = peer?.serverName ?? (net.isIP(remote.address) ? undefined : remote.address);
  const label = `${protocol} ${remote.address}:${remote.port}`;
  if (!ctx.registry.admitOutbound()) return Promise.reject(new Error(`cannot connect ${label}: connection limit reached`));
  return new Promise<StreamConnection>((resolve, reject) => {
    let settled = false;
    let socket: net.Socket;
    const readyEvent = protocol === 'tls' ? 'secureConnect' : 'connect';
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      ctx.clock.clearTimeout(timer);
      socket.destroy();
      reject(new Error(`cannot connect ${label}: ${describeError(err)}`));
    };
    const timer = ctx.clock.setTimeout(() => fail(new Error('timed out')), ctx.connectTimeoutMs);
    try {
      socket =
        protocol === 'tls'
          ? tls.connect({
              host: remote.address,
              port: remote.port,
              rejectUnauthorized: peer?.verify === true,
              ...(peer?.ca !== undefined ? { ca: peer.ca } : {}),
              // SNI carries host names only (RFC 6066 §3); it is also the name the certificate is checked against
              ...(serverName !== undefined ? { servername: serverName } : {}),
            })
          : net.connect({ host: remote.address, port: remote.port });
    } catch (err) {
      settled = true;
      ctx.clock.clearTimeout(timer);
      reject(new Error(`cannot connect ${label}: ${describeError(err)}`));
      return;
    }
    socket.once('error', fail);
    socket.once(readyEvent, () => {
      if (settled) return;
      settled = true;
      ctx.clock.clearTimeout(timer);
      socket.off('error', fail);
      const flow = flowOf(protocol, socket);
      if (!flow) {
        socket.destroy();
        reject(new Error(`cannot connect ${label}: socket has no address`));
        return;
      }
      const id = ctx.nextConnectionId(protocol);
      const conn = new StreamConnection(ctx, { socket, flow: { ...flow, connectionId: id }, id, inbound: false });
      ctx.registry.add(conn);
      resolve(conn);
    });
  });
}
