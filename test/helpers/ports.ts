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

function ephemeralTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const taken = new Set<number>();

/** A port free on TCP and UDP, not handed out before in this process. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = await ephemeralTcpPort(host);
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
    // Above Hailing's default RTP range (10000-20000) and below the kernel's ephemeral range
    // (32768-60999), from which freePort() and every outgoing socket draw: a block in that range
    // could be handed to another process between our check and baresip's bind.
    const base = 20000 + Math.floor(Math.random() * (32768 - 20000 - spacing));
    let ok = true;
    for (let p = base; p < base + spacing && ok; p++) ok = !taken.has(p) && (await udpFree(p, host)) && (await tcpFree(p, host));
    if (ok) {
      for (let p = base; p < base + spacing; p++) taken.add(p);
      return base;
    }
  }
  throw new Error('no free port block found');
}
