// One TCP or TLS connection carrying SIP (RFC 3261 §18.3): a StreamFramer splits the byte stream
// into messages by Content-Length, CRLFCRLF pings get a CRLF pong, and inactivity closes it.
//
// After a framing error the stream position is lost, so the connection is doomed; but the core
// may still owe a 400 on this flow (RFC 3261 §18.3: "the response... MUST be sent on the same
// connection"). So the connection stops reading, stays writable for errorGraceMs, and ends as
// soon as one message has been written to it (or when the grace runs out).
//
// A message must arrive whole within readTimeoutMs of its first byte, and an accepted connection
// must bring its first message within readTimeoutMs of the accept (Kamailio's tcp_msg_read_timeout
// and tcp_msg_data_timeout, nginx's client_header_timeout): partial messages trickled a byte at a
// time (slowloris) otherwise hold a slot of the connection table for the whole idle timeout.
import type net from 'node:net';
import { StreamFramer } from '../message/framer.js';
import type { Flow } from './types.js';
import type { Connection } from './connections.js';
import type { TransportContext } from './context.js';
import { CRLF, CRLFCRLF, describeError, refuseStalledWrite } from './context.js';
import { IdleTimer, ReadDeadline } from './idle-timer.js';
import type { TimerHandle } from '../clock.js';

export class StreamConnection implements Connection {
  readonly id: string;
  readonly flow: Flow;
  readonly inbound: boolean;
  readonly #ctx: TransportContext;
  readonly #socket: net.Socket;
  readonly #framer: StreamFramer;
  readonly #idle: IdleTimer;
  readonly #read: ReadDeadline;
  #failed = false;
  #graceTimer: TimerHandle | undefined;
  #closed = false;

  constructor(ctx: TransportContext, options: { socket: net.Socket; flow: Flow; id: string; inbound: boolean }) {
    this.#ctx = ctx;
    this.#socket = options.socket;
    this.id = options.id;
    this.flow = options.flow;
    this.inbound = options.inbound;
    this.#framer = new StreamFramer(ctx.limits);
    this.#idle = new IdleTimer({
      clock: ctx.clock,
      ms: ctx.idleTimeoutMs,
      onIdle: () => {
        ctx.logger.debug({ connectionId: this.id }, 'closing idle connection');
        this.close();
      },
    });
    this.#read = new ReadDeadline({
      clock: ctx.clock,
      ms: ctx.readTimeoutMs,
      onExpired: () => {
        ctx.logger.debug({ connectionId: this.id, buffered: this.#framer.buffered }, 'message not complete within the read timeout: closing');
        this.close();
      },
    });
    // we dial carriers and wait for them to answer; a peer that connected to us owes a message
    if (this.inbound) this.#read.arm();
    const socket = this.#socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => ctx.logger.debug({ connectionId: this.id, err: describeError(err) }, 'connection error'));
    socket.on('close', () => this.#onClose());
    // a peer's FIN: SIP has no use for half-open connections
    socket.on('end', () => socket.end());
  }

  isOpen(): boolean {
    return !this.#closed && !this.#socket.destroyed && this.#socket.writable;
  }

  #onData(chunk: Buffer): void {
    try {
      this.#idle.touch();
      if (this.#failed || this.#closed) return;
      let message = false;
      for (const event of this.#framer.push(chunk)) {
        if (event.type === 'message') {
          message = true;
          this.#ctx.registry.touch(this);
          this.#ctx.receive(event.bytes, this.flow);
        } else if (event.type === 'keepalive') {
          this.#ctx.registry.touch(this);
          // RFC 5626 §3.5.1: a CRLFCRLF "ping" is answered with a single CRLF "pong"
          if (this.isOpen()) this.#socket.write(CRLF);
        } else {
          this.#fail(event.error);
          return;
        }
        if (this.#closed) return;
      }
      // Only a whole SIP message meets the deadline. Keepalives and the lone CR, CRLF or CRLFCR
      // the framer holds back in case they become one neither meet nor start it: a peer that
      // sends "\r" must not cancel the deadline set at accept (slowloris with one byte), and a
      // phone's CRLF pong between messages (RFC 5626 §4.4.1) must not start one. The deadline
      // for a later message runs from its first byte (arm() keeps an armed deadline as it is).
      if (message) this.#read.disarm();
      if (this.#framer.partial) this.#read.arm();
    } catch (err) {
      this.#ctx.logger.error({ connectionId: this.id, err: describeError(err) }, 'stream data handler failed');
      this.close();
    }
  }

  #fail(error: Parameters<TransportContext['framingError']>[0]): void {
    this.#failed = true;
    this.#read.disarm();
    this.#socket.pause();
    this.#graceTimer = this.#ctx.clock.setTimeout(() => this.close(), this.#ctx.errorGraceMs);
    this.#ctx.framingError(error, this.flow);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen()) return Promise.reject(new Error(`connection ${this.id} (${this.flow.protocol}) is closed`));
    const stalled = refuseStalledWrite({ ctx: this.#ctx, backlog: this.#socket.writableLength, id: this.id, flow: this.flow, close: () => this.close() });
    if (stalled) return stalled;
    this.#idle.touch();
    this.#ctx.traceOut(bytes, this.flow);
    return new Promise<void>((resolve, reject) => {
      try {
        this.#socket.write(bytes, (err) => {
          if (err) reject(new Error(`write on connection ${this.id} failed: ${describeError(err)}`));
          else resolve();
        });
        // the answer owed after a framing error has been written: end once it is flushed
        if (this.#failed) this.#socket.end();
      } catch (err) {
        reject(new Error(`write on connection ${this.id} failed: ${describeError(err)}`));
      }
    });
  }

  writeKeepalive(): boolean {
    if (!this.isOpen() || this.#failed) return false;
    this.#idle.touch();
    this.#socket.write(CRLFCRLF);
    return true;
  }

  close(): void {
    if (!this.#socket.destroyed) this.#socket.destroy();
    this.#onClose();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle.stop();
    this.#read.disarm();
    if (this.#graceTimer) this.#ctx.clock.clearTimeout(this.#graceTimer);
    this.#ctx.registry.remove(this);
    this.#ctx.flowClosed(this.flow);
  }
}
