// The provisioning listener: plain HTTP and, when a certificate is given, HTTPS, apart from the API
// port so that phones' VLANs can reach it without reaching the console. Limits: GET and HEAD only
// with no body, 8 KiB of headers, the whole request within 10 s, bounded connections; what the
// phone asked for is answered by fetch.ts.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../sip/logger.js';
import type { FetchRequest, FetchResponse } from './fetch.js';

export interface ProvisioningListenerOptions {
  readonly address: string;
  readonly httpPort?: number | undefined;
  readonly httpsPort?: number | undefined;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  readonly maxConnections: number;
  readonly answer: (req: FetchRequest) => Promise<FetchResponse>;
  readonly logger: Logger;
}

export interface ProvisioningListener {
  readonly httpPort: number | undefined;
  readonly httpsPort: number | undefined;
  close(): Promise<void>;
}

const MAX_HEADER_BYTES = 8 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;

function handler(o: ProvisioningListenerOptions, scheme: 'http' | 'https') {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const source = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const host = (req.headers.host ?? '').replace(/[^A-Za-z0-9.:[\]-]/g, '');
    const path = (req.url ?? '/').split('?')[0] as string;
    const authorization = req.headers.authorization;
    const userAgent = req.headers['user-agent'];
    // a body is never expected: drain nothing, answer, and close
    o.answer({ method: req.method ?? 'GET', path, authorization, userAgent, source, base: `${scheme}://${host}` })
      .then((r) => {
        res.writeHead(r.status, { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)), 'x-content-type-options': 'nosniff' } as Record<string, string | string[]>);
        res.end(r.body);
      })
      .catch((err: unknown) => {
        o.logger.error({ err: String(err), path }, 'provisioning request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      });
  };
}

function listen(server: Server, port: number, address: string, maxConnections: number): Promise<number> {
  server.maxConnections = maxConnections;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

export async function startProvisioningListener(o: ProvisioningListenerOptions): Promise<ProvisioningListener> {
  const servers: Server[] = [];
  let httpPort: number | undefined;
  let httpsPort: number | undefined;
  try {
    if (o.httpPort !== undefined) {
      const server = createHttpServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler(o, 'http'));
      servers.push(server);
      httpPort = await listen(server, o.httpPort, o.address, o.maxConnections);
    }
    if (o.httpsPort !== undefined && o.tls !== undefined) {
      const server = createHttpsServer({ maxHeaderSize: MAX_HEADER_BYTES, cert: o.tls.cert, key: o.tls.key }, handler(o, 'https'));
      servers.push(server);
      httpsPort = await listen(server, o.httpsPort, o.address, o.maxConnections);
    }
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    throw err;
  }
  return {
    httpPort,
    httpsPort,
    close: () => Promise.all(servers.map(closeServer)).then(() => undefined),
  };
}
