// Sockets a listening point has accepted that are not connections yet: in their TLS handshake
// (TLS, WSS) or waiting for their WebSocket upgrade (WS, WSS). They hold a file descriptor and
// memory like a connection, so they count against their source's limit and a global cap from the
// accept on (ConnectionRegistry.hold), and stop counting once the handshake or upgrade is done
// (when the registry counts the connection instead) or the socket closes.
//
// The socket that finishes is not always the one accepted (a TLSSocket wraps the raw TCP socket),
// so entries are keyed by the remote address and port, which both share for the socket's life.
import type net from 'node:net';
import type { ConnectionRegistry } from './connections.js';

function keyOf(socket: net.Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress && remotePort ? `${remoteAddress}|${remotePort}` : undefined;
}

export class PendingSockets {
  readonly #registry: ConnectionRegistry;
  readonly #releases = new Map<string, () => void>();

  constructor(registry: ConnectionRegistry) {
    this.#registry = registry;
  }

  /** On accept: false when the source (or all pending sockets together) is over its limit. */
  hold(socket: net.Socket): boolean {
    const key = keyOf(socket);
    const release = key !== undefined && socket.remoteAddress ? this.#registry.hold(socket.remoteAddress) : undefined;
    if (key === undefined || !release) return false;
    this.#releases.set(key, release);
    socket.once('close', () => {
      release();
      if (this.#releases.get(key) === release) this.#releases.delete(key);
    });
    return true;
  }

  /** The handshake or upgrade of this socket (or the TLS socket over it) is done. */
  release(socket: net.Socket): void {
    const key = keyOf(socket);
    if (key === undefined) return;
    this.#releases.get(key)?.();
    this.#releases.delete(key);
  }
}
