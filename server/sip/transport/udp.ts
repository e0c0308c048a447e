// UDP listening points (RFC 3261 §18.1.1, §18.2.1): one dgram socket per configured address,
// each datagram parsed whole; replies to a flow leave from the socket the request came in on,
// so NATs that key on the 5-tuple let them back in (RFC 3581 §4).
import dgram from 'node:dgram';
import net from 'node:net';
import dns from 'node:dns';
import { networkInterfaces } from 'node:os';
import type { Flow, HostPort, ListeningPoint } from './types.js';
import type { TransportContext } from './context.js';
import { describeError, isOnlyCrlf } from './context.js';

/** The largest UDP payload IPv4 can carry (65535 − 8 UDP − 20 IP header octets). */
const MAX_UDP_PAYLOAD = 65507;

export class UdpListener {
  readonly #ctx: TransportContext;
  readonly #address: string;
  readonly #requestedPort: number;
  readonly #groups: readonly string[];
  #socket: dgram.Socket | undefined;
  #local: HostPort | undefined;

  constructor(ctx: TransportContext, point: { address: string; port: number; multicastGroups?: readonly string[] }) {
    this.#ctx = ctx;
    this.#address = point.address;
    this.#requestedPort = point.port;
    this.#groups = point.multicastGroups ?? [];
  }

  get family(): 4 | 6 {
    return net.isIPv6(this.#address) ? 6 : 4;
  }

  get local(): HostPort | undefined {
    return this.#local;
  }

  listeningPoint(): ListeningPoint | undefined {
    return this.#local ? { protocol: 'udp', address: this.#local.address, port: this.#local.port } : undefined;
  }

  start(): Promise<void> {
    const socket = dgram.createSocket({
      type: this.family === 6 ? 'udp6' : 'udp4',
      // a v6 wildcard must not also claim the v4 port, or '0.0.0.0' and '::' could not coexist
      ipv6Only: this.family === 6,
      recvBufferSize: 1 << 20,
      lookup: literalFirstLookup,
    });
    this.#socket = socket;
    return new Promise<void>((resolve, reject) => {
      const onBindError = (err: Error): void => {
        this.#socket = undefined;
        socket.close();
        reject(new Error(`cannot bind udp ${this.#address}:${this.#requestedPort}: ${describeError(err)}`));
      };
      socket.once('error', onBindError);
      socket.bind({ address: this.#address, port: this.#requestedPort, exclusive: true }, () => {
        socket.off('error', onBindError);
        const addr = socket.address();
        this.#local = { address: addr.address, port: addr.port };
        // after binding, socket errors (ICMP unreachable on some platforms) are logged, never fatal
        socket.on('error', (err) => this.#ctx.logger.warn({ err: describeError(err) }, 'udp socket error'));
        socket.on('message', (msg, rinfo) => this.#onDatagram(msg, rinfo));
        this.#joinGroups(socket);
        resolve();
      });
    });
  }

  /**
   * Only a socket bound to the wildcard address receives datagrams sent to a group (Linux delivers
   * them by destination address); each IPv4 interface joins, and one that cannot is logged, not fatal.
   */
  #joinGroups(socket: dgram.Socket): void {
    if (this.#groups.length === 0 || this.family !== 4 || this.#address !== '0.0.0.0') return;
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && i.family === 'IPv4')
      .map((i) => (i as { address: string }).address);
    for (const group of this.#groups)
      for (const iface of addresses) {
        try {
          socket.addMembership(group, iface);
        } catch (err) {
          this.#ctx.logger.warn({ group, iface, err: describeError(err) }, 'cannot join multicast group');
        }
      }
  }

  #onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    try {
      // RFC 5626 §3.5.1 / §4.4.2: a datagram of only CRLFs is a keepalive; nothing to parse
      if (isOnlyCrlf(msg) || !this.#local) return;
      const flow: Flow = { protocol: 'udp', local: this.#local, remote: { address: rinfo.address, port: rinfo.port } };
      this.#ctx.receive(msg, flow);
    } catch (err) {
      this.#ctx.logger.error({ err: describeError(err) }, 'udp datagram handler failed');
    }
  }

  /** Send one datagram; resolves with the flow it went on. */
  send(bytes: Uint8Array, remote: HostPort): Promise<Flow> {
    const socket = this.#socket;
    const local = this.#local;
    if (!socket || !local) return Promise.reject(new Error(`udp ${this.#address}:${this.#requestedPort} is not listening`));
    if (bytes.length > MAX_UDP_PAYLOAD) {
      return Promise.reject(new Error(`message of ${bytes.length} bytes does not fit a UDP datagram`));
    }
    const flow: Flow = { protocol: 'udp', local, remote: { address: remote.address, port: remote.port } };
    return new Promise<Flow>((resolve, reject) => {
      try {
        socket.send(bytes, remote.port, remote.address, (err) => {
          if (err) reject(new Error(`udp send to ${remote.address}:${remote.port} failed: ${describeError(err)}`));
          else resolve(flow);
        });
        this.#ctx.traceOut(bytes, flow);
      } catch (err) {
        // dgram throws synchronously for a closed socket or an invalid port
        reject(new Error(`udp send to ${remote.address}:${remote.port} failed: ${describeError(err)}`));
      }
    });
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#local = undefined;
    if (!socket) return Promise.resolve();
    return new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

/**
 * dgram resolves every send's address, and dns.lookup answers even an IP literal on the next tick:
 * with one send per REGISTER that deferral was a visible share of the CPU. Responses go back to the
 * source address of the request (RFC 3261 §18.2.2, RFC 3581), which is always a literal, so a literal
 * is answered at once; anything else still goes through dns.lookup.
 */
const literalFirstLookup: NonNullable<dgram.SocketOptions['lookup']> = (hostname, options, callback) => {
  const family = net.isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dns.lookup(hostname, options, callback);
};
