import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// @store independent: the API description, no stored data

/** Every (METHOD, path) Fastify registered, read from its own route tree (HEAD comes with GET). */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2];
    stack[depth] = path;
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('GET /openapi.json', () => {
  let vigil: TestVigil;
  let document: { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };

  beforeAll(async () => {
    vigil = await startTestVigil();
    const response = await fetch(`${vigil.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    document = (await response.json()) as typeof document;
  });
  afterAll(() => vigil.stop());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('documents every /v1 route Fastify registered, and no route that does not exist', () => {
    const registered = registeredRoutes(vigil.app.http.printRoutes({ commonPrefix: false })).filter((route) => route.includes(' /v1/'));
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(registered.length).toBeGreaterThanOrEqual(18);
    expect(registered.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !registered.includes(route))).toEqual([]);
  });

  it('describes request bodies from the zod schemas the routes validate with', () => {
    const events = document.paths['/v1/events']!.post!.requestBody!.content['application/json']!.schema as any;
    expect(events.properties.events.maxItems).toBe(1000);
    expect(events.properties.events.items.required).toEqual(['source', 'output']);
    const check = document.paths['/v1/check']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(check.properties ?? {})).toEqual(['source', 'input', 'output', 'scores']);
  });

  it('has no dangling $ref, and describes OTLP traces in both encodings', () => {
    const text = JSON.stringify(document);
    const components = (document as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas;
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => !(name in components))).toEqual([]);
    expect(text).not.toContain('#/$defs/');
    expect(Object.keys(document.paths['/v1/traces']!.post!.requestBody!.content)).toEqual(['application/json', 'application/x-protobuf']);
  });

  it('is public (fetched above without a key) while /v1 needs one', async () => {
    const v1 = await fetch(`${vigil.url}/v1/items`);
    expect(v1.status).toBe(401);
  });
});
