// RFC 3261 §18.3 stream framing for TCP, TLS (and any other stream): split a byte stream into
// whole messages by Content-Length; RFC 5626 §4.4.1 CRLF keepalives are reported separately.
import type { ParseError, ParserLimits } from './types.js';
import { DEFAULT_PARSER_LIMITS } from './types.js';

export type FramerEvent =
  | { readonly type: 'message'; readonly bytes: Uint8Array }
  | { readonly type: 'keepalive' }
  | { readonly type: 'error'; readonly error: ParseError };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

export class StreamFramer {
  readonly #limits: ParserLimits;
  #buffer: Buffer = EMPTY;
  /** where the search for the end of the head resumes, so byte-at-a-time input stays linear */
  #scanFrom = 0;
  #failed = false;

  constructor(limits?: Partial<ParserLimits>) {
    this.#limits = { ...DEFAULT_PARSER_LIMITS, ...limits };
  }

  /** True after a framing error: the stream cannot be resynchronised and should be closed. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /**
   * Whether part of a message is held: not just the CR/LF octets of a keepalive that may still
   * grow into CRLFCRLF (a lone CRLF is the RFC 5626 §4.4.1 pong, held in case a ping follows).
   */
  get partial(): boolean {
    const buf = this.#buffer;
    return buf.length > 0 && !(buf.length < 4 && CRLFCRLF.subarray(0, buf.length).equals(buf));
  }

  push(chunk: Uint8Array): FramerEvent[] {
    if (this.#failed) return [];
    const events: FramerEvent[] = [];
    try {
      this.#buffer = this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
      for (let guard = 0; guard < 100_000; guard++) {
        const ev = this.#next();
        if (ev === undefined) break;
        events.push(ev);
        if (ev.type === 'error') break;
      }
    } catch (e) {
      events.push(this.#fail('bad-start-line', `framer fault: ${String(e)}`));
    }
    return events;
  }

  #consume(n: number): void {
    this.#buffer = n >= this.#buffer.length ? EMPTY : this.#buffer.subarray(n);
    this.#scanFrom = 0;
  }

  #fail(code: ParseError['code'], detail: string): FramerEvent {
    this.#failed = true;
    this.#buffer = EMPTY;
    return { type: 'error', error: Object.freeze({ code, detail }) };
  }

  #next(): FramerEvent | undefined {
    const buf = this.#buffer;
    // RFC 5626 §4.4.1: a double CRLF between messages is a keepalive ping (answered by CRLF);
    // RFC 3261 §7.5: other empty lines before a start line are ignored.
    if (buf.length >= 4 && buf[0] === 0x0d && buf[1] === 0x0a && buf[2] === 0x0d && buf[3] === 0x0a) {
      this.#consume(4);
      return { type: 'keepalive' };
    }
    // wait while the buffer could still grow into a CRLFCRLF ping
    if (buf.length < 4 && CRLFCRLF.subarray(0, buf.length).equals(buf)) return undefined;
    if (buf[0] === 0x0d && buf[1] === 0x0a) {
      // a single CRLF (an RFC 5626 pong or stray line) before a start line: drop it and look again
      this.#consume(2);
      return this.#next();
    }
    const headEnd = buf.indexOf(CRLFCRLF, Math.max(0, this.#scanFrom - 3));
    if (headEnd < 0) {
      this.#scanFrom = buf.length;
      if (buf.length > this.#limits.maxMessageBytes) return this.#fail('too-large', 'message head over the limit');
      return undefined;
    }
    const bodyStart = headEnd + 4;
    const length = contentLength(buf.toString('latin1', 0, headEnd));
    if (typeof length === 'string') return this.#fail('bad-content-length', length);
    const total = bodyStart + length;
    if (total > this.#limits.maxMessageBytes) return this.#fail('too-large', `message of ${total} bytes over the limit`);
    if (buf.length < total) return undefined;
    const bytes = new Uint8Array(buf.subarray(0, total));
    this.#consume(total);
    return { type: 'message', bytes };
  }
}

/** RFC 3261 §18.3: "In the case of stream-oriented transports ... Content-Length ... MUST" be used. */
function contentLength(head: string): number | string {
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  let value: number | undefined;
  for (const line of unfolded.split('\r\n')) {
    const m = /^(?:content-length|l)[ \t]*:(.*)$/i.exec(line);
    if (m === null) continue;
    const text = (m[1] ?? '').trim();
    if (!/^\d{1,10}$/.test(text)) return `invalid Content-Length "${text.slice(0, 20)}"`;
    const n = Number(text);
    if (value !== undefined && value !== n) return 'conflicting Content-Length values';
    value = n;
  }
  return value ?? 'missing Content-Length on a stream transport';
}
