import { z } from 'zod';
import { V1_ROUTES, type RouteDoc } from './openapi.paths.ts';

// OpenAPI 3.1 uses JSON Schema 2020-12, which is what zod 4's built-in z.toJSONSchema writes.
// `io: 'input'` describes what a client sends (before transforms such as "42" → 42).

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const errorResponse = { description: 'Error: `{error: {code, message, details?}}`', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/** `/events/:id` → `/events/{id}` and the path parameters it names. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params = [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => match[1]!);
  return { path: `/v1${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`, params };
}

function queryParameters(query: z.ZodObject): JsonSchema[] {
  const schema = toSchema(query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property }));
}

function operation(route: RouteDoc, params: string[]) {
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(route.ok)) {
    responses[status] = status === '304' ? { description } : { description, content: { [route.stream ?? 'application/json']: { schema: {} } } };
  }
  for (const status of ['400', '401', '403', '404', '413', '429']) responses[status] = errorResponse;
  return {
    summary: route.summary,
    description: `Needs an API key with the \`${route.scope}\` scope.`,
    operationId: `${route.method}${route.path.replace(/[^A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    parameters: [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.query ? queryParameters(route.query) : []),
    ],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body) } } } } : {}),
    responses,
  };
}

export function buildOpenApiDocument(version: string, routes: RouteDoc[] = V1_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { path, params } = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route, params) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil API', version, description: 'The API production AI apps use to log events and check outputs, and data teams use to read reviews.' },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Vigil API key (`vigil keys create`).' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
  };
}
