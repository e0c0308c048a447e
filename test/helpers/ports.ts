// Free ports for black-box tests (TESTING.md: never fixed ports). A SIP port must be free on both
// UDP and TCP, since Hailing listens on both with one number.
import dgram from 'node:dgram';
import net from 'node:net';

function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

const taken = new Set<number>();

/**
 * Test ports come from 20000-32767: above Hailing's default RTP range (10000-20000) and below the
 * kernel's ephemeral range (32768-60999). A port the kernel handed out as ephemeral could be given
 * again to any process's outgoing connection between our check and the server's bind.
 */
const LOW = 20000;
const HIGH = 32768;

/** A port free on TCP and UDP, not handed out before in this process. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (taken.has(port)) continue;
    if ((await udpFree(port, host)) && (await tcpFree(port, host))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port found in 200 tries');
}

/** n free ports with a gap of `spacing` free ports after each (baresip binds port+1 for TLS). */
export async function freePortBlock(spacing: number, host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - spacing));
    let ok = true;
    for (let p = base; p < base + spacing && ok; p++) ok = !taken.has(p) && (await udpFree(p, host)) && (await tcpFree(p, host));
    if (ok) {
      for (let p = base; p < base + spacing; p++) taken.add(p);
      return base;
    }
  }
  throw new Error('no free port block found');
}
