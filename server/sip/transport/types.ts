// The transport layer (RFC 3261 §18): listening points for UDP, TCP, TLS, WS and WSS (RFC 7118)
// behind one interface. Transports frame and parse bytes; they never interpret SIP semantics.
import type { ParseError, SipMessage } from '../message/types.js';

export type TransportProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface HostPort {
  readonly address: string;
  readonly port: number;
}

/**
 * How a message arrived, and so how to reach its sender again (RFC 5626 calls it a flow).
 * For connection-oriented transports connectionId names the live connection; sending on a flow
 * whose connection has closed fails (a registrar then falls back to the Contact, or gives up).
 */
export interface Flow {
  readonly protocol: TransportProtocol;
  readonly local: HostPort;
  readonly remote: HostPort;
  readonly connectionId?: string;
}

/** Where to send when there is no flow yet: a new datagram or connection. */
export interface SendTarget {
  readonly protocol: TransportProtocol;
  readonly remote: HostPort;
  /** TLS only: how a new connection checks the peer (absent: not verified, as for phones) */
  readonly tls?: TlsPeer;
}

/** RFC 5922 §7.2: the peer's certificate must name the SIP domain that was asked for */
export interface TlsPeer {
  /** check the certificate chain and name (a carrier trunk's default) */
  readonly verify: boolean;
  /** PEM: the certificate authorities to trust instead of the system's */
  readonly ca?: string;
  /** the name the certificate must carry (and SNI); absent: the remote address */
  readonly serverName?: string;
}

export interface TraceEvent {
  readonly direction: 'in' | 'out';
  readonly flow: Flow;
  readonly bytes: Uint8Array;
  readonly at: number;
}

export type TraceHook = (event: TraceEvent) => void;

export interface TransportEvents {
  /** a well-formed message */
  message: (message: SipMessage, flow: Flow) => void;
  /**
   * bytes that did not parse. For requests whose headers were readable, error.partial lets the
   * core answer 400/505/513; the transport itself never answers.
   */
  'parse-error': (error: ParseError, flow: Flow) => void;
  /** a connection-oriented flow ended (peer closed, idle timeout, error) */
  'flow-closed': (flow: Flow) => void;
}

export interface ListeningPoint {
  readonly protocol: TransportProtocol;
  readonly address: string;
  readonly port: number;
}

export interface TransportLayer {
  /** Bind every configured listening point; rejects naming the port when one cannot be bound. */
  start(): Promise<void>;
  /** Send on an existing flow, or open one to a target (RFC 3261 §18.1.1 / §18.2.2). */
  send(message: SipMessage, to: Flow | SendTarget): Promise<Flow>;
  /** RFC 5626 §4.4.1 keepalive: CRLFCRLF on stream flows; false when the flow is gone or is UDP. */
  keepalive(flow: Flow): boolean;
  /** Whether a connection-oriented flow is still open (UDP flows are always "alive"). */
  isAlive(flow: Flow): boolean;
  listening(): readonly ListeningPoint[];
  /**
   * Admission before parsing: a message (or stream framing error) from a flow the filter refuses is
   * dropped before any parsing or allocation for it, so a banned or over-budget source costs one
   * lookup per datagram (issue 18 §9). Accepts everything until set.
   */
  setIngressFilter?(admit: (flow: Flow) => boolean): void;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void;
  /** Close listeners and connections. Idempotent. */
  close(): Promise<void>;
}
