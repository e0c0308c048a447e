// What every transport (udp.ts, stream.ts, websocket.ts) gets from the layer: limits, clock,
// logger, the connection registry, and the one place where raw bytes become events, so tracing
// (CONVENTIONS.md §12) and parsing happen identically for every protocol.
import type { ParseError, ParserLimits } from '../message/types.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Flow, TransportProtocol } from './types.js';
import type { ConnectionRegistry } from './connections.js';

export interface TransportContext {
  readonly limits: ParserLimits;
  readonly logger: Logger;
  readonly clock: Clock;
  /** idle timeout of connection-oriented flows, reset by any traffic (keepalives included) */
  readonly idleTimeoutMs: number;
  /**
   * how long a message may take to arrive whole once its first byte came (and, on an accepted
   * TCP/TLS connection, the first message from the accept): the slowloris guard
   */
  readonly readTimeoutMs: number;
  /** how long a connection that failed framing stays writable so the core can answer 400 */
  readonly errorGraceMs: number;
  /** how long an outbound TCP/TLS connect may take */
  readonly connectTimeoutMs: number;
  readonly registry: ConnectionRegistry;
  nextConnectionId(protocol: TransportProtocol): string;
  /** one whole message's bytes (a datagram, a framed stream message, a WS message): trace, parse, emit */
  receive(bytes: Uint8Array, flow: Flow): void;
  /** a stream framing error: no bytes to parse, just the error */
  framingError(error: ParseError, flow: Flow): void;
  flowClosed(flow: Flow): void;
  traceOut(bytes: Uint8Array, flow: Flow): void;
}

/** A datagram or WS message made only of CR and LF octets is a keepalive (RFC 5626 §3.5.1). */
export function isOnlyCrlf(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  for (const b of bytes) if (b !== 0x0d && b !== 0x0a) return false;
  return true;
}

export const CRLF = Buffer.from('\r\n', 'latin1');
export const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** An Error's message for logs, whatever was thrown. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Bytes queued unsent before a connection counts as stalled (at least 16 maximum messages). */
const MIN_WRITE_BACKLOG = 1 << 20;

/**
 * A peer that stops reading must not make us buffer without bound: past the limit the connection is
 * closed like a dead flow, and the write is refused. Null while the backlog is within bounds.
 */
export function refuseStalledWrite(o: {
  readonly ctx: TransportContext;
  readonly backlog: number;
  readonly id: string | number;
  readonly flow: Flow;
  readonly close: () => void;
}): Promise<never> | null {
  if (o.backlog <= Math.max(MIN_WRITE_BACKLOG, 16 * o.ctx.limits.maxMessageBytes)) return null;
  o.ctx.logger.warn({ connectionId: o.id, backlog: o.backlog }, 'peer not reading: closing');
  o.close();
  return Promise.reject(new Error(`connection ${o.id} (${o.flow.protocol}) closed: peer is not reading`));
}

