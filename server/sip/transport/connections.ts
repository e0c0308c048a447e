// Live connection-oriented flows (TCP, TLS, WS, WSS), by id and by remote address, with the
// admission limits that keep one source (or a flood) from exhausting sockets.
import type { Flow, HostPort, TransportProtocol } from './types.js';

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

export class ConnectionRegistry {
  readonly #limits: ConnectionLimits;
  readonly #byId = new Map<string, Connection>();
  readonly #byRemote = new Map<string, Connection>();
  readonly #perSource = new Map<string, number>();

  constructor(limits: ConnectionLimits) {
    this.#limits = limits;
  }

  /** Whether one more inbound connection from this IP fits the global and per-source limits. */
  admits(sourceAddress: string): boolean {
    if (this.#byId.size >= this.#limits.maxConnections) return false;
    const n = this.#perSource.get(sourceAddress.toLowerCase()) ?? 0;
    return n < this.#limits.maxConnectionsPerSource;
  }

  /** Whether one more outbound connection fits the global limit. */
  admitsOutbound(): boolean {
    return this.#byId.size < this.#limits.maxConnections;
  }

  add(conn: Connection): void {
    this.#byId.set(conn.id, conn);
    // RFC 3261 §18.2.2: responses (and our requests) reuse the connection to that remote; the
    // newest connection wins when a peer has several.
    this.#byRemote.set(remoteKey(conn.flow.protocol, conn.flow.remote), conn);
    if (conn.inbound) {
      const src = conn.flow.remote.address.toLowerCase();
      this.#perSource.set(src, (this.#perSource.get(src) ?? 0) + 1);
    }
  }

  remove(conn: Connection): void {
    if (this.#byId.get(conn.id) !== conn) return;
    this.#byId.delete(conn.id);
    const key = remoteKey(conn.flow.protocol, conn.flow.remote);
    if (this.#byRemote.get(key) === conn) {
      this.#byRemote.delete(key);
      // another open connection to the same remote may take its place
      for (const other of this.#byId.values()) {
        if (remoteKey(other.flow.protocol, other.flow.remote) === key) this.#byRemote.set(key, other);
      }
    }
    if (conn.inbound) {
      const src = conn.flow.remote.address.toLowerCase();
      const n = (this.#perSource.get(src) ?? 1) - 1;
      if (n <= 0) this.#perSource.delete(src);
      else this.#perSource.set(src, n);
    }
  }

  get(id: string): Connection | undefined {
    return this.#byId.get(id);
  }

  findByRemote(protocol: TransportProtocol, remote: HostPort): Connection | undefined {
    const conn = this.#byRemote.get(remoteKey(protocol, remote));
    return conn?.isOpen() ? conn : undefined;
  }

  get size(): number {
    return this.#byId.size;
  }

  all(): Connection[] {
    return [...this.#byId.values()];
  }
}
