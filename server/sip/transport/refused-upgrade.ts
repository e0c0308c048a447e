// Refusing an HTTP upgrade on the raw socket Node handed over (SIP over WebSocket here, the
// console's event stream in server/api). Nothing reads that socket any more: bytes the peer sends
// after its request would hide its FIN and keep the socket open for ever (issue 18: fds 50 → 150,
// and a SIGTERM drain that never ended). So the input is drained, the response written with
// Connection: close, and the socket destroyed once the response had lingerMs to leave, whether or
// not the peer closes.
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';

export interface RefuseUpgradeOptions {
  readonly socket: Duplex;
  /** the whole HTTP response, head and body */
  readonly response: string;
  readonly clock: Clock;
  /** how long the socket may linger for the peer to read the response and close */
  readonly lingerMs: number;
}

export function endRefusedUpgrade(options: RefuseUpgradeOptions): void {
  const { socket, clock } = options;
  const timer = clock.setTimeout(() => socket.destroy(), options.lingerMs);
  socket.once('close', () => clock.clearTimeout(timer));
  socket.on('error', () => socket.destroy());
  socket.resume();
  try {
    socket.end(options.response);
  } catch {
    socket.destroy();
  }
}
