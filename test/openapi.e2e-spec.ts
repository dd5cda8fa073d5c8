import SwaggerParser from '@apidevtools/swagger-parser';
import { TestApp } from './support/test-app';

type Operation = { requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>; parameters?: Array<{ name: string; in: string }> };

// The OpenAPI document at /docs/openapi.json: valid OpenAPI 3 (the linter
// CI runs, through npm test), and complete enough to generate a client from.
describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: { paths: Record<string, Record<string, Operation>>; openapi: string };

  beforeAll(async () => {
    t = await TestApp.start();
    document = (await t.get('/docs/openapi.json')).body;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
        .map(([method, operation]) => ({ path, method, operation })),
    );

  it('passes the validator (swagger-parser: the OpenAPI 3 schema and every $ref)', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('describes a JSON answer for every operation that answers a body', () => {
    const missing = operations()
      .filter(({ path }) => path !== '/docs' && !path.endsWith('/events/stream'))
      .filter(({ operation }) => {
        const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
        return success.length === 0 || success.some(([status, response]) => status !== '204' && status !== '202' && !response.content?.['application/json']?.schema);
      })
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('describes a request body for every POST and PATCH that takes one', () => {
    const bodiless = /\/(rotate_secret|retry|dispatch|tokens)$/;
    const missing = operations()
      .filter(({ method, path }) => (method === 'post' || method === 'patch') && !bodiless.test(path))
      .filter(({ operation }) => !operation.requestBody)
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('describes the error answers with the error body', () => {
    const missing = operations()
      .filter(({ path }) => (path.startsWith('/apps/') || path.startsWith('/manager/') || path.startsWith('/admin/')) && path !== '/apps/api/v1/call-lifecycle')
      .filter(({ operation }) => !Object.entries(operation.responses).some(([status, r]) => /^4\d\d$/.test(status) && r.content?.['application/json']))
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('describes the paging headers of every list', () => {
    const lists = operations().filter(({ operation }) => operation.parameters?.some((p) => p.name === 'per'));
    expect(lists.length).toBeGreaterThan(8);
    const missing = lists.filter(({ operation }) => !operation.responses['200']?.headers?.link).map(({ path }) => path);
    expect(missing).toEqual([]);
  });
});
