// The UDP side of an RTP endpoint: binding its RTP/RTCP port pair, and how addresses are written
// for the socket's family.
import dgram from 'node:dgram';
import net from 'node:net';

// Every destination is an IP literal of the socket's family (SDP addresses are checked and mapped
// in setRemote, latched ones come from the socket itself), so dns.lookup and its next-tick
// deferral are skipped on every send.
const lookup4: NonNullable<dgram.SocketOptions['lookup']> = (hostname, _options, callback) => callback(null, hostname, 4);
const lookup6: NonNullable<dgram.SocketOptions['lookup']> = (hostname, _options, callback) => callback(null, hostname, 6);

function bind(socket: dgram.Socket, address: string, port: number): Promise<Error | null> {
  return new Promise((resolve) => {
    const onError = (err: Error): void => resolve(err);
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(null);
    });
  });
}

const errnoCode = (err: Error): string => (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';

export type SocketPairResult =
  | { ok: true; rtp: dgram.Socket; rtcp: dgram.Socket; v6: boolean }
  | { ok: false; code: string; detail: string };

/** RTP on `rtpPort` and RTCP on the next port (RFC 3550 §11); fails with the errno code when either is taken */
export async function openSocketPair(options: { readonly bindAddress: string; readonly rtpPort: number }): Promise<SocketPairResult> {
  const v6 = net.isIP(options.bindAddress) === 6;
  const make = (): dgram.Socket => dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: false, lookup: v6 ? lookup6 : lookup4 });
  const rtp = make();
  const rtpError = await bind(rtp, options.bindAddress, options.rtpPort);
  if (rtpError) {
    rtp.close();
    return { ok: false, code: errnoCode(rtpError), detail: rtpError.message };
  }
  const rtcp = make();
  const rtcpError = await bind(rtcp, options.bindAddress, options.rtpPort + 1);
  if (rtcpError) {
    rtp.close();
    rtcp.close();
    return { ok: false, code: errnoCode(rtcpError), detail: rtcpError.message };
  }
  return { ok: true, rtp, rtcp, v6 };
}

/** an IP literal as a socket of this family writes it (IPv4 on a dual-stack v6 socket is v4-mapped) */
export function socketAddress(address: string, v6: boolean): string | null {
  const family = net.isIP(address);
  if (family === 0) return null;
  if (!v6) return family === 4 ? address : null;
  if (family === 4) return `::ffff:${address}`;
  // the form the kernel reports a sender in (lower case, zeros compressed): an SDP or SIP address
  // written as 2001:DB8:0::1 must equal the 2001:db8::1 a packet arrives from (strict source)
  return new net.SocketAddress({ address, family: 'ipv6' }).address;
}

/** '::ffff:192.0.2.1' → '192.0.2.1': addresses are reported as the phone has them in its SDP */
export const unmapped = (address: string): string => (address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address);
