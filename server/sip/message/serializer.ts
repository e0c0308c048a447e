// Writes a SipMessage as bytes (RFC 3261 §7): start line, headers in order under their long
// names, a Content-Length that always equals the body's byte length, an empty line, the body.
import type { SipHeader, SipMessage } from './types.js';
import { canonicalHeaderName } from './names.js';

// A CR or LF inside a value would let a caller inject headers or end the head early.
const LINE_BREAK_RE = /[\r\n]+/g;
const oneLine = (value: string): string => (value.includes('\r') || value.includes('\n') ? value.replace(LINE_BREAK_RE, ' ') : value);

export function serializeMessage(message: SipMessage): Buffer {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} ${message.version}`
      : `${message.version} ${message.status} ${message.reason}`;
  let head = `${oneLine(start)}\r\n`;
  const headers = message.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as SipHeader;
    const name = canonicalHeaderName(h.name);
    // RFC 3261 §18.3 / §20.14: our own Content-Length replaces any given one, so it is byte-correct
    if (name === 'Content-Length') continue;
    head += `${name}: ${oneLine(h.value)}\r\n`;
  }
  head += `Content-Length: ${message.body.byteLength}\r\n\r\n`;
  const headBytes = Buffer.from(head, 'utf8');
  if (message.body.byteLength === 0) return headBytes;
  return Buffer.concat([headBytes, message.body]);
}
