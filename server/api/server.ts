// Serves a hono app on @hono/node-server. Resolves once listening; rejects naming the port on a
// bind failure.
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ApiLogger } from './types.js';
import type { ApiEnv } from './types.js';
import type { UpgradeEndpoint } from './events.js';
import { endRefusedApiUpgrade } from './events.js';

export interface StartHttpServerOptions {
  app: Hono<ApiEnv> | Hono;
  /** 0 picks a free port */
  port: number;
  address: string;
  logger: ApiLogger;
  /** WebSocket upgrades (the call-events endpoint); without it every upgrade request gets 404 */
  upgrade?: UpgradeEndpoint;
}

export interface HttpServerHandle {
  readonly port: number;
  /** Stops accepting, ends open connections; idempotent. */
  close(): Promise<void>;
}

export function startHttpServer(options: StartHttpServerOptions): Promise<HttpServerHandle> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`HTTP listen on ${options.address}:${options.port} failed: ${err.message}`));
    const server: ServerType = serve({ fetch: options.app.fetch, port: options.port, hostname: options.address }, (info: AddressInfo) => {
      server.off('error', onError);
      server.on('error', (err) => options.logger.error({ err }, 'http server error'));
      // With an 'upgrade' listener Node hands every Upgrade request here instead of to hono, so it
      // is only added when there is an endpoint; other paths cannot be upgraded (404).
      const endpoint = options.upgrade;
      if (endpoint !== undefined) {
        server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
          if (endpoint.handleUpgrade(req, socket, head)) return;
          endRefusedApiUpgrade({ socket, response: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' });
        });
      }
      options.logger.info({ address: info.address, port: info.port }, 'http listening');
      let closing: Promise<void> | undefined;
      resolve({
        port: info.port,
        close() {
          // WebSocket clients first: upgraded sockets are not among the connections
          // closeAllConnections() ends, and server.close() waits for them
          closing ??= (options.upgrade?.close() ?? Promise.resolve()).then(
            () =>
              new Promise<void>((done) => {
                server.close(() => done());
                if ('closeAllConnections' in server) server.closeAllConnections();
              }),
          );
          return closing;
        },
      });
    });
    server.once('error', onError);
  });
}
