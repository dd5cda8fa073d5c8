import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { ConfigError, loadConfig } from '../config/app-config';
import { DueCallDispatcher } from './due-call-dispatcher';

// `npm run dispatch-due`: dispatches every company's due scheduled calls
// once and exits — for a system cron job. It claims calls exactly as the
// in-process loop does, so the two can run side by side without doubles.
// Without DATABASE_URL it uses the embedded PostgreSQL of a running service.
async function main(): Promise<number> {
  const config = loadConfig({ ...process.env, SCHEDULER_ENABLED: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const url = config.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${config.SWITCHBOARD_EMBEDDED_PG_PORT}/switchboard`;
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, url), { logger: ['error', 'warn'], abortOnError: false });
  try {
    const dispatched = await app.get(DueCallDispatcher).dispatchDueCalls();
    process.stdout.write(`${JSON.stringify({ dispatched })}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(`dispatch-due failed: ${error instanceof Error ? error.message : String(error)} (is DATABASE_URL set, or the service running on its embedded database?)`);
    process.exit(1);
  },
);
