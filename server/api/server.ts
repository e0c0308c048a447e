// Serves a hono app on @hono/node-server. Resolves once listening; rejects naming the port on a
// bind failure.
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { ApiLogger } from './types.js';
import type { ApiEnv } from './types.js';

export interface StartHttpServerOptions {
  app: Hono<ApiEnv> | Hono;
  /** 0 picks a free port */
  port: number;
  address: string;
  logger: ApiLogger;
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
      options.logger.info({ address: info.address, port: info.port }, 'http listening');
      let closing: Promise<void> | undefined;
      resolve({
        port: info.port,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          return closing;
        },
      });
    });
    server.once('error', onError);
  });
}
