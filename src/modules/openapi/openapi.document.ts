import { z } from 'zod';
import { V1_ROUTES, type RouteDoc } from './openapi.paths.ts';

// OpenAPI 3.1 uses JSON Schema 2020-12, which is what zod 4's built-in z.toJSONSchema writes.
// `io: 'input'` describes what a client sends (before transforms such as "42" → 42).

type JsonSchema = Record<string, unknown>;

/**
 * A recursive schema (OTLP's attribute values) comes with its own `$defs`, which `#/$defs/…` would
 * look for at the document's root: they move to components.schemas, named after the operation.
 */
function toSchema(schema: z.ZodType, components: Record<string, JsonSchema>, prefix: string): JsonSchema {
  const json = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })).replaceAll('"#/$defs/', `"#/components/schemas/${prefix}`);
  const { $schema: _ignored, $defs, ...rest } = JSON.parse(json) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  for (const [name, definition] of Object.entries($defs ?? {})) components[`${prefix}${name}`] = definition;
  return rest;
}

const errorResponse = { description: 'Error: `{error: {code, message, details?}}`', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/** `/events/:id` → `/events/{id}` and the path parameters it names. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params = [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => match[1]!);
  return { path: `/v1${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`, params };
}

function queryParameters(query: z.ZodObject, components: Record<string, JsonSchema>, prefix: string): JsonSchema[] {
  const schema = toSchema(query, components, prefix) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property }));
}

function requestBody(route: RouteDoc, components: Record<string, JsonSchema>, prefix: string) {
  if (!route.body) return {};
  const content: Record<string, unknown> = { 'application/json': { schema: toSchema(route.body, components, prefix) } };
  if (route.protobuf) content['application/x-protobuf'] = { schema: { description: route.protobuf } };
  return { requestBody: { required: true, content } };
}

function operation(route: RouteDoc, params: string[], components: Record<string, JsonSchema>) {
  const operationId = `${route.method}${route.path.replace(/[^A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`;
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(route.ok)) {
    const schema = route.response ? toSchema(route.response, components, `${operationId}_response`) : {};
    const content: Record<string, unknown> = { [route.stream ?? 'application/json']: { schema } };
    if (route.protobuf) content['application/x-protobuf'] = { schema: { description: 'ExportTraceServiceResponse' } };
    responses[status] = status === '304' ? { description } : { description, content };
  }
  for (const status of ['400', '401', '403', '404', '413', '429']) responses[status] = errorResponse;
  return {
    summary: route.summary,
    description: `Needs an API key with the \`${route.scope}\` scope.`,
    operationId,
    parameters: [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.query ? queryParameters(route.query, components, `${operationId}_query`) : []),
    ],
    ...requestBody(route, components, `${operationId}_body`),
    responses,
  };
}

export function buildOpenApiDocument(version: string, routes: RouteDoc[] = V1_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, JsonSchema> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
    },
  };
  for (const route of routes) {
    const { path, params } = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route, params, schemas) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil API', version, description: 'The API production AI apps use to log events and check outputs, and data teams use to read reviews.' },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Vigil API key (`vigil keys create`).' } },
      schemas,
    },
  };
}
