import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { createApp } from './app';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { EmbeddedDatabase } from './database/embedded-database';
import { migrateDatabase } from './database/migrate-database';
import { seedDemoCompany } from './demo/demo-seed';

// JSON from the first line on, as the app's own logs.
Logger.overrideLogger(new ConsoleLogger({ json: true }));
const logger = new Logger('Switchboard');

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const started = Date.now();
  const embedded = config.DATABASE_URL
    ? undefined
    : new EmbeddedDatabase({
        dataDir: join(config.SWITCHBOARD_DATA_DIR, 'postgres'),
        // Only the default place moves (as root, when PostgreSQL's user
        // cannot reach it); a SWITCHBOARD_DATA_DIR that was set is kept.
        relocatable: !process.env.SWITCHBOARD_DATA_DIR,
        binDir: config.SWITCHBOARD_EMBEDDED_PG_BIN_DIR,
        port: config.SWITCHBOARD_EMBEDDED_PG_PORT,
        database: 'switchboard',
        log: (line) => (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'verbose' ? logger.debug(line) : undefined),
        notice: (line) => logger.log(line),
      });

  let shuttingDown = false;
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  const shutdown = async (signal: string, code = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    try {
      await app?.close(); // stops accepting, drains requests, closes the pool
    } catch (error) {
      logger.error(`error while closing: ${String(error)}`);
    }
    await embedded?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

  try {
    if (embedded) logger.log(`starting the embedded PostgreSQL in ${join(config.SWITCHBOARD_DATA_DIR, 'postgres')} (port ${config.SWITCHBOARD_EMBEDDED_PG_PORT})`);
    const databaseUrl = config.DATABASE_URL ?? (await embedded!.start());
    const applied = await migrateDatabase(databaseUrl);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);

    app = await createApp(config, databaseUrl);
    await app.init();
    if (embedded && config.SWITCHBOARD_DEMO) await seedDemoCompany(app, config);
    await app.listen({ port: config.PORT, host: config.HOST });
    logger.log(`listening on http://${config.HOST}:${config.PORT} (started in ${Date.now() - started} ms)`);
  } catch (error) {
    logger.error(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown('start-up failure', 1);
  }
}

void main();
