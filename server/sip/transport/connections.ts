// Live connection-oriented flows (TCP, TLS, WS, WSS), by id and by remote address, with the
// admission limits that keep one source (or a flood) from exhausting sockets. Every operation is
// O(1) in the size of the table: a flood of 10,000 connections closing at once used to cost a scan
// of the table per close (30 s of a busy main thread).
import type { Logger } from '../logger.js';
import type { Flow, HostPort, TransportProtocol } from './types.js';
import { FairShare, groupOf, sourceKey } from './fair-share.js';

/** One live connection, whatever its framing. Implemented in stream.ts and websocket.ts. */
export interface Connection {
  readonly id: string;
  readonly flow: Flow;
  /** accepted from a peer (counts against that source's limit) rather than dialled by us */
  readonly inbound: boolean;
  isOpen(): boolean;
  /** write one serialized message; rejects when the connection is gone */
  write(bytes: Uint8Array): Promise<void>;
  /** RFC 5626 §4.4.1 CRLFCRLF; false when the connection is gone */
  writeKeepalive(): boolean;
  /** destroy now; emits flow-closed once */
  close(): void;
}

export interface ConnectionLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
}

function remoteKey(protocol: TransportProtocol, remote: HostPort): string {
  return `${protocol}|${remote.address.toLowerCase()}|${remote.port}`;
}

/** What the registry remembers of a connection, computed once when it is added. */
interface Entry {
  readonly conn: Connection;
  readonly remote: string;
  /** inbound only: the source address and its fairness group */
  readonly source: string | undefined;
  readonly group: string | undefined;
}

export class ConnectionRegistry {
  readonly #limits: ConnectionLimits;
  readonly #logger: Logger | undefined;
  readonly #byId = new Map<string, Entry>();
  /** RFC 3261 §18.2.2 reuse: the connections to one remote, newest last (almost always one) */
  readonly #byRemote = new Map<string, Connection[]>();
  readonly #perSource = new Map<string, number>();
  /** sockets accepted but not yet connections (TLS handshake, WebSocket upgrade), per source */
  readonly #pendingPerSource = new Map<string, number>();
  #pending = 0;
  readonly #share = new FairShare<Connection>();
  #evictions = 0;

  constructor(limits: ConnectionLimits, logger?: Logger) {
    this.#limits = limits;
    this.#logger = logger;
  }

  /**
   * Whether one more inbound connection from this IP could be admitted (the per-source limit, and
   * room in the table or a connection admit() would evict for it). Changes nothing: it runs
   * before a TLS handshake or WebSocket upgrade, which must not evict anyone until they succeed.
   */
  admits(sourceAddress: string): boolean {
    const source = sourceKey(sourceAddress);
    if (this.#held(source) >= this.#limits.maxConnectionsPerSource) return false;
    return this.#byId.size < this.#limits.maxConnections || this.#victimFor(groupOf(source)) !== undefined;
  }

  /**
   * Make room for one more inbound connection from this IP, evicting the longest-idle connection
   * of the biggest source network when the table is full and that network holds at least two more
   * than the newcomer's (so slots move towards equal shares and never back and forth).
   */
  admit(sourceAddress: string): boolean {
    const source = sourceKey(sourceAddress);
    if (this.#held(source) >= this.#limits.maxConnectionsPerSource) return false;
    if (this.#byId.size < this.#limits.maxConnections) return true;
    return this.#evict(this.#victimFor(groupOf(source)), source);
  }

  /**
   * Count a socket that is not a connection yet (in its TLS handshake, or waiting for its WebSocket
   * upgrade request) against its source's limit, and all of them together against maxConnections
   * (so a source holds at most its limit in connections plus its limit in handshakes):
   * otherwise one address holding 50 half-finished handshakes passes a limit of 5. Returns the
   * release (idempotent) to call when the handshake ends or the socket closes, or undefined when
   * the socket must be refused. Release before admit(): the socket then counts as a connection.
   */
  hold(sourceAddress: string): (() => void) | undefined {
    const source = sourceKey(sourceAddress);
    // pending sockets alone are held to the limits here; admits() and admit() count them together
    // with connections (a WebSocket peer over its limit then still gets its 503 at the upgrade)
    if (this.#pending >= this.#limits.maxConnections) return undefined;
    // at least one, so that even a source allowed nothing can read why (the 503 of its upgrade)
    const perSource = Math.max(1, this.#limits.maxConnectionsPerSource);
    if ((this.#pendingPerSource.get(source) ?? 0) >= perSource) return undefined;
    this.#pending++;
    this.#pendingPerSource.set(source, (this.#pendingPerSource.get(source) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#pending--;
      const n = (this.#pendingPerSource.get(source) ?? 1) - 1;
      if (n <= 0) this.#pendingPerSource.delete(source);
      else this.#pendingPerSource.set(source, n);
    };
  }

  /** Sockets held by hold() and not released yet. */
  get pending(): number {
    return this.#pending;
  }

  /** Connections and pending sockets of one source. */
  #held(source: string): number {
    return (this.#perSource.get(source) ?? 0) + (this.#pendingPerSource.get(source) ?? 0);
  }

  /** Make room for a connection we dial (a trunk must stay reachable while a flood fills the table). */
  admitOutbound(): boolean {
    if (this.#byId.size < this.#limits.maxConnections) return true;
    return this.#evict(this.#victimFor(undefined), 'outbound');
  }

  add(conn: Connection): void {
    if (this.#byId.has(conn.id)) return;
    const remote = remoteKey(conn.flow.protocol, conn.flow.remote);
    const source = conn.inbound ? sourceKey(conn.flow.remote.address) : undefined;
    const group = source === undefined ? undefined : groupOf(source);
    this.#byId.set(conn.id, { conn, remote, source, group });
    // RFC 3261 §18.2.2: responses (and our requests) reuse the connection to that remote; the
    // newest connection wins when a peer has several.
    const same = this.#byRemote.get(remote);
    if (same) same.push(conn);
    else this.#byRemote.set(remote, [conn]);
    if (source !== undefined && group !== undefined) {
      this.#perSource.set(source, (this.#perSource.get(source) ?? 0) + 1);
      this.#share.add(group, conn);
    }
  }

  remove(conn: Connection): void {
    const entry = this.#byId.get(conn.id);
    if (entry?.conn !== conn) return;
    this.#byId.delete(conn.id);
    const same = this.#byRemote.get(entry.remote);
    if (same) {
      const i = same.lastIndexOf(conn);
      if (i >= 0) same.splice(i, 1);
      if (same.length === 0) this.#byRemote.delete(entry.remote);
    }
    if (entry.source !== undefined && entry.group !== undefined) {
      const n = (this.#perSource.get(entry.source) ?? 1) - 1;
      if (n <= 0) this.#perSource.delete(entry.source);
      else this.#perSource.set(entry.source, n);
      this.#share.remove(entry.group, conn);
    }
  }

  /** A whole message or keepalive arrived: the connection is in use, evict it last. */
  touch(conn: Connection): void {
    const entry = this.#byId.get(conn.id);
    if (entry?.conn === conn && entry.group !== undefined) this.#share.touch(entry.group, conn);
  }

  get(id: string): Connection | undefined {
    return this.#byId.get(id)?.conn;
  }

  findByRemote(protocol: TransportProtocol, remote: HostPort): Connection | undefined {
    const same = this.#byRemote.get(remoteKey(protocol, remote));
    const conn = same?.[same.length - 1];
    return conn?.isOpen() ? conn : undefined;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Connections closed to make room for others since start (fairness at work, or a flood). */
  get evictions(): number {
    return this.#evictions;
  }

  all(): Connection[] {
    return [...this.#byId.values()].map((e) => e.conn);
  }

  /** The connection to give up for a newcomer from `group` (undefined: one we dial). */
  #victimFor(group: string | undefined): Connection | undefined {
    const largest = this.#share.largest();
    if (!largest) return undefined;
    const mine = group === undefined ? 0 : this.#share.count(group);
    if (largest.count < mine + 2) return undefined;
    return this.#share.idlest(largest.group);
  }

  #evict(victim: Connection | undefined, forSource: string): boolean {
    if (!victim) return false;
    this.#evictions++;
    const detail = { connectionId: victim.id, remote: victim.flow.remote.address, for: forSource, evictions: this.#evictions };
    const message = 'connection table full: closing the longest-idle connection of the biggest source network';
    // an operator hears of it the first time and then every 1000th, not once per connection of a flood
    if (this.#evictions === 1 || this.#evictions % 1000 === 0) this.#logger?.warn(detail, message);
    else this.#logger?.debug(detail, message);
    victim.close();
    // close() removes it through the connection's own close path; make sure even if it did not
    this.remove(victim);
    return this.#byId.size < this.#limits.maxConnections;
  }
}
