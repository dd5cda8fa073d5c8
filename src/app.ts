import { ConsoleLogger, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { SHAPE_CODES, SHAPE_MESSAGES, shapeProblem } from './http/request-shape';
import { Metrics } from './metrics/metrics';
import { AppConfig, publicBaseUrl, trustedProxies } from './config/app-config';

const NEST_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const PINO_LEVEL: Record<string, string> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// Builds the HTTP application (not listening yet): Fastify, JSON logs with
// a request id, one validation pipe, one exception filter, the OpenAPI
// document. main.ts and the e2e tests both start the service through here.
export async function createApp(config: AppConfig, databaseUrl: string): Promise<NestFastifyApplication> {
  const logger = new ConsoleLogger({ json: true, logLevels: NEST_LEVELS.slice(0, NEST_LEVELS.indexOf(config.LOG_LEVEL as LogLevel) + 1) });
  const adapter = new FastifyAdapter({
    logger: { level: PINO_LEVEL[config.LOG_LEVEL] },
    // One line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    // Forwarded headers only from the configured proxies (TRUSTED_PROXIES).
    trustProxy: trustedProxies(config),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter, { logger, abortOnError: false, bodyParser: false });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorate('publicUrl', publicBaseUrl(config));
  // JSON only (Fastify's own parser; Nest's form parser is off): any other
  // body is refused with 415 rather than read as a string or a form.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // NUL, lone surrogates and bodies nested too deep refused at the door, for
  // every route, before any validator or query sees them (request-shape.ts).
  fastify.addHook('preValidation', async (request, reply) => {
    const problem = shapeProblem(request.body) ?? shapeProblem(request.query) ?? shapeProblem(request.params);
    if (problem) return reply.code(400).send({ message: SHAPE_MESSAGES[problem], error: SHAPE_CODES[problem], status: 400 });
  });
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', async (request, reply) => {
    // By the route's pattern (its :params), so that ids make no new series.
    metrics.request(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true }));
  app.useGlobalFilters(new AllExceptionsFilter());

  const builder = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription(
      'A self-hosted contact-center call engine: the CCAI Platform Calls API, the Manager API and the operator API. ' +
        'Every error answers {message, error, status}: `error` is a stable code to classify failures by.',
    )
    .setVersion('1')
    .addBasicAuth()
    .addBearerAuth();
  const publicUrl = publicBaseUrl(config);
  if (publicUrl) builder.addServer(publicUrl);
  const document = SwaggerModule.createDocument(app, builder.build());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
