import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Database } from '../database/database';
import { healthError } from './health-errors';

// Liveness answers while the process runs; readiness only while the
// database answers, so a load balancer stops sending work during an outage.
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  async ready() {
    try {
      await withTimeout(this.db.query('SELECT 1'), 2000);
      return { status: 'ready' };
    } catch {
      throw healthError('databaseUnavailable');
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms))),
  ]);
}
