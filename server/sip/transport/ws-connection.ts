// One SIP-over-WebSocket connection (RFC 7118): every WebSocket message carries exactly one SIP
// message (§5.1), text or binary; CRLF keepalives (RFC 5626) ride in frames.
import type net from 'node:net';
import { isUtf8 } from 'node:buffer';
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import type { Flow } from './types.js';
import type { Connection } from './connections.js';
import type { TransportContext } from './context.js';
import { describeError, isOnlyCrlf, refuseStalledWrite } from './context.js';
import { IdleTimer, ReadDeadline } from './idle-timer.js';

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class WsConnection implements Connection {
  readonly id: string;
  readonly flow: Flow;
  readonly inbound = true;
  readonly #ctx: TransportContext;
  readonly #ws: WebSocket;
  readonly #idle: IdleTimer;
  readonly #read: ReadDeadline;
  #closed = false;

  constructor(ctx: TransportContext, options: { ws: WebSocket; socket: net.Socket; flow: Flow; id: string }) {
    this.#ctx = ctx;
    this.#ws = options.ws;
    this.id = options.id;
    this.flow = options.flow;
    this.#idle = new IdleTimer({ clock: ctx.clock, ms: ctx.idleTimeoutMs, onIdle: () => this.close() });
    // A frame must arrive whole within the read timeout of its first byte (slowloris): bytes on
    // the socket arm the deadline before ws reads them (hence prepend), a whole frame disarms it.
    // A chunk ending in the start of the next frame is timed from the next chunk on.
    this.#read = new ReadDeadline({
      clock: ctx.clock,
      ms: ctx.readTimeoutMs,
      onExpired: () => {
        ctx.logger.debug({ connectionId: this.id }, 'websocket frame not complete within the read timeout: closing');
        this.close();
      },
    });
    options.socket.prependListener('data', () => this.#read.arm());
    this.#ws.on('message', (data, _isBinary) => this.#onMessage(toBuffer(data)));
    this.#ws.on('ping', () => this.#read.disarm());
    this.#ws.on('pong', () => {
      this.#read.disarm();
      this.#idle.touch();
    });
    this.#ws.on('error', (err) => ctx.logger.debug({ connectionId: this.id, err: describeError(err) }, 'websocket error'));
    this.#ws.on('close', () => this.#onClose());
  }

  isOpen(): boolean {
    return !this.#closed && this.#ws.readyState === WebSocket.OPEN;
  }

  #onMessage(bytes: Buffer): void {
    try {
      this.#read.disarm();
      this.#idle.touch();
      if (this.#closed) return;
      this.#ctx.registry.touch(this);
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
    const stalled = refuseStalledWrite({ ctx: this.#ctx, backlog: this.#ws.bufferedAmount, id: this.id, flow: this.flow, close: () => this.close() });
    if (stalled) return stalled;
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
    this.#read.disarm();
    this.#ctx.registry.remove(this);
    this.#ctx.flowClosed(this.flow);
  }
}
