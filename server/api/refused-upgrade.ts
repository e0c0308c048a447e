// Refusing an HTTP upgrade on the raw socket Node handed over. Nothing reads that socket any more:
// bytes the peer sends after its request would hide its FIN and keep the socket open for ever
// (issue 18: fds 50 → 150, and a SIGTERM drain that never ended). So the input is drained and the
// socket destroyed once the response had a moment to leave, whether or not the peer closes.
import type { Duplex } from 'node:stream';

/** How long a refused socket may linger for the peer to read the response and close. */
const LINGER_MS = 2_000;

export function endRefusedUpgrade(socket: Duplex, response: string): void {
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
  socket.resume();
  socket.end(response);
}
