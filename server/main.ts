// Entry point: configuration, composition, signals, graceful drain.
import { ConfigError, loadConfig } from './config/index.js';
import { createApp } from './app/index.js';

/** How long the database flush after the drain deadline may take before the process exits anyway. */
const STOP_GRACE_MS = 10_000;

const write = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hailing: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp({ config, announce: write });
  // A telephony server stays up: an unexpected exception is logged by the module that owns it; one
  // that escapes is reported here instead of killing every call and registration.
  process.on('uncaughtException', (err) => process.stderr.write(`hailing: uncaught exception: ${err.stack ?? err}\n`));
  process.on('unhandledRejection', (err) => process.stderr.write(`hailing: unhandled rejection: ${String(err)}\n`));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    write(`hailing: ${signal} received, draining`);
    // app.stop() cuts the drain at the deadline and then flushes the database; should even that
    // hang, the process still ends
    setTimeout(() => {
      process.stderr.write(`hailing: not stopped ${config.shutdownTimeoutMs + STOP_GRACE_MS} ms after ${signal}: exiting\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs + STOP_GRACE_MS).unref();
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`hailing: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const { httpUrl } = await app.start();
  write(`Hailing is running. Console: ${httpUrl}/ (API: ${httpUrl}/api/v1, OpenAPI: ${httpUrl}/api/v1/openapi.json)`);
}

main().catch((err: unknown) => {
  process.stderr.write(`hailing: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
