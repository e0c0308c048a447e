// The transport layer (RFC 3261 §18): owns every listening point and connection, turns raw bytes
// into 'message' / 'parse-error' events, and sends serialized messages on flows or to targets.
import net from 'node:net';
import { parseMessage } from '../message/parser.js';
import { serializeMessage } from '../message/serializer.js';
import { DEFAULT_PARSER_LIMITS } from '../message/types.js';
import type { ParseError, ParserLimits, SipMessage } from '../message/types.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type {
  Flow,
  ListeningPoint,
  SendTarget,
  TraceHook,
  TransportEvents,
  TransportLayer,
  TransportProtocol,
} from './types.js';
import { ConnectionRegistry } from './connections.js';
import type { Connection } from './connections.js';
import type { TransportContext } from './context.js';
import { describeError } from './context.js';
import { TransportEventBus } from './events.js';
import { UdpListener } from './udp.js';
import { StreamListener, connectStream } from './stream.js';
import type { StreamProtocol } from './stream.js';
import type { StreamConnection } from './stream-connection.js';
import { WebSocketListener } from './websocket.js';

export interface TransportOptions {
  readonly listen: ReadonlyArray<{ readonly protocol: TransportProtocol; readonly address: string; readonly port: number }>;
  /** PEM certificate and key for tls and wss listening points */
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly limits?: Partial<ParserLimits>;
  /** all connections together, inbound and outbound (default 10000) */
  readonly maxConnections?: number;
  /** inbound connections from one IP address, all protocols together (default 100) */
  readonly maxConnectionsPerSource?: number;
  /** close a connection after this long without traffic, keepalives included (default 300000) */
  readonly idleTimeoutMs?: number;
  /**
   * a message (or WebSocket frame, or upgrade request) must arrive whole within this long of its
   * first byte, and an accepted TCP/TLS connection must bring its first message within this long
   * (default 20000, Kamailio's tcp_msg_read_timeout)
   */
  readonly readTimeoutMs?: number;
  /** a connection that failed framing stays writable this long for the core's 400 (default 2000) */
  readonly errorGraceMs?: number;
  /** outbound TCP/TLS connect timeout (default 10000) */
  readonly connectTimeoutMs?: number;
  readonly trace?: TraceHook;
  readonly logger: Logger;
  readonly clock?: Clock;
  /**
   * IPv4 multicast groups the wildcard UDP listening points join on every IPv4 interface, e.g.
   * 224.0.1.75 ("sip.mcast.net", RFC 6080 §5.1.1 PnP SUBSCRIBEs); none by default
   */
  readonly multicastGroups?: readonly string[];
}

type Listener = UdpListener | StreamListener | WebSocketListener;

const isStream = (p: TransportProtocol): p is StreamProtocol => p === 'tcp' || p === 'tls';

class Transports implements TransportLayer {
  readonly #options: TransportOptions;
  readonly #ctx: TransportContext;
  readonly #events: TransportEventBus;
  readonly #registry: ConnectionRegistry;
  readonly #udp: UdpListener[] = [];
  readonly #listeners: Listener[] = [];
  readonly #dialing = new Map<string, Promise<StreamConnection>>();
  #nextId = 1;
  #admit: (flow: Flow) => boolean = () => true;
  #state: 'new' | 'started' | 'closed' = 'new';

  constructor(options: TransportOptions) {
    this.#options = options;
    const logger = options.logger.child({ module: 'sip-transport' });
    this.#events = new TransportEventBus(logger);
    this.#registry = new ConnectionRegistry(
      {
        maxConnections: options.maxConnections ?? 10_000,
        maxConnectionsPerSource: options.maxConnectionsPerSource ?? 100,
      },
      logger,
    );
    const limits: ParserLimits = { ...DEFAULT_PARSER_LIMITS, ...options.limits };
    const clock = options.clock ?? systemClock();
    const events = this.#events;
    const admitted = (flow: Flow): boolean => {
      try {
        return this.#admit(flow);
      } catch (err) {
        logger.error({ err: describeError(err) }, 'ingress filter threw; message dropped');
        return false;
      }
    };
    const trace = (direction: 'in' | 'out', bytes: Uint8Array, flow: Flow): void => {
      if (!options.trace) return;
      try {
        options.trace({ direction, flow, bytes, at: clock.now() });
      } catch (err) {
        logger.error({ err: describeError(err) }, 'trace hook threw');
      }
    };
    this.#ctx = {
      limits,
      logger,
      clock,
      idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
      readTimeoutMs: options.readTimeoutMs ?? 20_000,
      errorGraceMs: options.errorGraceMs ?? 2_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      registry: this.#registry,
      nextConnectionId: (protocol) => `${protocol}-${this.#nextId++}`,
      receive(bytes, flow) {
        if (!admitted(flow)) return;
        trace('in', bytes, flow);
        const result = parseMessage(bytes, limits);
        if (result.ok) events.emit('message', result.value, flow);
        else events.emit('parse-error', result.error, flow);
      },
      framingError(error: ParseError, flow) {
        if (!admitted(flow)) return;
        events.emit('parse-error', error, flow);
      },
      flowClosed(flow) {
        events.emit('flow-closed', flow);
      },
      traceOut(bytes, flow) {
        trace('out', bytes, flow);
      },
    };
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error(`transport layer already ${this.#state}`);
    this.#state = 'started';
    const tlsMaterial = this.#options.tls;
    for (const point of this.#options.listen) {
      const { protocol, address, port } = point;
      if (protocol === 'udp') {
        const l = new UdpListener(this.#ctx, { address, port, multicastGroups: this.#options.multicastGroups ?? [] });
        this.#udp.push(l);
        this.#listeners.push(l);
      } else if (isStream(protocol)) {
        this.#listeners.push(new StreamListener(this.#ctx, { protocol, address, port, ...(tlsMaterial ? { tls: tlsMaterial } : {}) }));
      } else {
        this.#listeners.push(new WebSocketListener(this.#ctx, { protocol, address, port, ...(tlsMaterial ? { tls: tlsMaterial } : {}) }));
      }
    }
    const results = await Promise.allSettled(this.#listeners.map((l) => l.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // a half-started layer would hold ports the retry needs: release everything bound so far
      await this.close();
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
  }

  listening(): readonly ListeningPoint[] {
    const points: ListeningPoint[] = [];
    for (const l of this.#listeners) {
      const p = l.listeningPoint();
      if (p) points.push(p);
    }
    return points;
  }

  setIngressFilter(admit: (flow: Flow) => boolean): void {
    this.#admit = admit;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#events.on(event, listener);
  }

  /**
   * Rejects, never throws. Not an async function: a UDP send (one per REGISTER response) returns
   * the listener's promise itself instead of wrapping it in a second one.
   */
  send(message: SipMessage, to: Flow | SendTarget): Promise<Flow> {
    if (this.#state !== 'started') return Promise.reject(new Error(`transport layer is ${this.#state}`));
    let bytes: Uint8Array;
    try {
      bytes = serializeMessage(message);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (to.protocol === 'udp') return this.#sendUdp(bytes, to);
    return this.#sendStream(bytes, to);
  }

  async #sendStream(bytes: Uint8Array, to: Flow | SendTarget): Promise<Flow> {
    const connectionId = 'connectionId' in to ? to.connectionId : undefined;
    if (connectionId !== undefined) {
      const conn = this.#registry.get(connectionId);
      if (!conn?.isOpen() || conn.flow.protocol !== to.protocol) {
        throw new Error(`flow ${connectionId} (${to.protocol} ${to.remote.address}:${to.remote.port}) is closed`);
      }
      await conn.write(bytes);
      return conn.flow;
    }
    const conn = await this.#connectionTo(to.protocol, to);
    await conn.write(bytes);
    return conn.flow;
  }

  #sendUdp(bytes: Uint8Array, to: Flow | SendTarget): Promise<Flow> {
    let socket: UdpListener | undefined;
    if ('local' in to) {
      // RFC 3581 §4: answer from the socket the request arrived on
      socket = this.#udp.find((u) => u.local?.port === to.local.port && u.local.address === to.local.address);
      if (!socket) return Promise.reject(new Error(`udp flow via ${to.local.address}:${to.local.port} is closed`));
    } else {
      const family = net.isIPv6(to.remote.address) ? 6 : 4;
      socket = this.#udp.find((u) => u.family === family && u.local);
      if (!socket) return Promise.reject(new Error(`no udp listening point for IPv${family} to reach ${to.remote.address}`));
    }
    return socket.send(bytes, to.remote);
  }

  async #connectionTo(protocol: TransportProtocol, to: SendTarget): Promise<Connection> {
    // RFC 3261 §18.2.2 / §18.1.1: reuse a live connection to that remote before opening a new one
    const existing = this.#registry.findByRemote(protocol, to.remote);
    if (existing) return existing;
    if (!isStream(protocol)) {
      throw new Error(`no ${protocol} connection to ${to.remote.address}:${to.remote.port}: WebSocket peers cannot be dialled`);
    }
    const key = `${protocol}|${to.remote.address}|${to.remote.port}`;
    let pending = this.#dialing.get(key);
    if (!pending) {
      pending = connectStream(this.#ctx, { protocol, remote: to.remote, ...(to.tls ? { tls: to.tls } : {}) }).finally(() => this.#dialing.delete(key));
      this.#dialing.set(key, pending);
    }
    const conn = await pending;
    if (this.#state !== 'started') {
      conn.close();
      throw new Error('transport layer closed while connecting');
    }
    return conn;
  }

  keepalive(flow: Flow): boolean {
    if (flow.protocol === 'udp' || flow.connectionId === undefined) return false;
    const conn = this.#registry.get(flow.connectionId);
    return conn ? conn.writeKeepalive() : false;
  }

  isAlive(flow: Flow): boolean {
    if (this.#state !== 'started') return false;
    if (flow.protocol === 'udp') return true;
    if (flow.connectionId === undefined) return this.#registry.findByRemote(flow.protocol, flow.remote) !== undefined;
    return this.#registry.get(flow.connectionId)?.isOpen() ?? false;
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    const stopping = this.#listeners.map((l) => l.close());
    for (const conn of this.#registry.all()) {
      try {
        conn.close();
      } catch (err) {
        this.#ctx.logger.warn({ err: describeError(err) }, 'closing connection failed');
      }
    }
    await Promise.allSettled(stopping);
  }
}

export function createTransportLayer(options: TransportOptions): TransportLayer {
  return new Transports(options);
}
