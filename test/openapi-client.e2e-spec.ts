import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as ts from 'typescript';
import { CompaniesService } from '../src/companies/companies.service';
import { AppConfig } from '../src/config/app-config';
import { seedDemoCompany } from '../src/demo/demo-seed';
import { basicAuth, TestApp } from './support/test-app';

// A TypeScript client generated from the service's own OpenAPI document runs
// the README's walkthrough (test/client/readme-walkthrough.ts.txt) against
// the real service, listening on a port, over HTTP.
describe('a client generated from /docs/openapi.json', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await TestApp.start();
    // Inside the checkout (under .data/, ignored by git) so that the
    // client's own import of openapi-fetch resolves.
    dir = join(__dirname, '..', '.data', `openapi-client-${process.pid}`);
    mkdirSync(dir, { recursive: true });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('type-checks the walkthrough against the generated types, then runs it', async () => {
    const document = (await t.get('/docs/openapi.json')).body;
    // Generated as a user would: openapi-typescript's own command.
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    const cli = join(__dirname, '..', 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(process.execPath, [cli, join(dir, 'openapi.json'), '--output', join(dir, 'schema.d.ts')], { stdio: 'pipe' });
    const source = join(dir, 'walkthrough.ts');
    writeFileSync(source, readFileSync(join(__dirname, 'client', 'readme-walkthrough.ts.txt'), 'utf8'));

    const program = ts.createProgram([source], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);

    const compiled = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    writeFileSync(join(dir, 'walkthrough.cjs'), compiled.outputText);

    // The demo company of a fresh service, and a token of our own for it.
    // (Its banner with the first token is not wanted in the test's output.)
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await seedDemoCompany(t.app, t.app.get(AppConfig));
    } finally {
      process.stdout.write = write;
    }
    const { token } = await t.app.get(CompaniesService).createToken('demo');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };

    const { walkthrough } = require(join(dir, 'walkthrough.cjs'));
    const result = await walkthrough(`http://127.0.0.1:${port}`, basicAuth('demo', token));
    expect(result).toEqual({
      agentStatus: 'Available',
      outbound: { id: expect.any(Number), status: 'assigned', agentNumber: 1001 },
      inboundStatuses: ['queued', 'assigned', 'connecting', 'connected', 'finished'],
      eventTypes: ['created', 'assign', 'connect', 'connected', 'hangup'],
      scheduled: { status: 'scheduled', scheduledAt: expect.any(String) },
      listed: { ids: expect.any(Array), total: '3', perPage: '10' },
      flags: { verified_customer: true, bad_actor: false, repeat_customer: false },
    });
    expect(result.listed.ids).toHaveLength(3);
  });
});
