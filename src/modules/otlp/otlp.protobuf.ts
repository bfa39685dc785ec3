import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { AttributeValue, TraceBatch } from './otlp.models.ts';
import { nanosToMs } from './otlp.models.ts';

// OTLP/protobuf through protobufjs and the official opentelemetry-proto definitions (v1.11.0 + 16,
// commit ac2c4b5, Apache-2.0, vendored in ./proto): the messages are decoded by the library, never by hand.

const PROTO_DIR = fileURLToPath(new URL('./proto/', import.meta.url));

function loadTypes() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => PROTO_DIR + target;
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  // google.rpc.Status (googleapis' status.proto, fields 1 and 2; `details` is left out) is the body
  // OTLP/HTTP requires for 4xx and 5xx answers to protobuf requests.
  const status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
  root.define('google.rpc').add(status);
  return {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    status,
  };
}

// Loaded when the module is imported, at start: a missing or broken proto file stops the start, not a request.
const types = loadTypes();

// The decoded messages, as protobufjs builds them (`value` names the field set in a oneof;
// 64-bit integers are Long objects or numbers).
interface Long {
  toNumber(): number;
  toString(): string;
}
interface DecodedAnyValue {
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | Long;
  doubleValue?: number;
  arrayValue?: { values: DecodedAnyValue[] };
  kvlistValue?: { values: DecodedKeyValue[] };
  bytesValue?: Uint8Array;
}
interface DecodedKeyValue {
  key: string;
  value?: DecodedAnyValue | null;
}
interface DecodedSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  name: string;
  startTimeUnixNano: number | Long;
  attributes: DecodedKeyValue[];
  events: { name: string; attributes: DecodedKeyValue[] }[];
}
interface DecodedRequest {
  resourceSpans: { resource?: { attributes: DecodedKeyValue[] } | null; scopeSpans: { spans: DecodedSpan[] }[] }[];
}

function readAnyValue(value: DecodedAnyValue | null | undefined): AttributeValue {
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'intValue':
      return typeof value.intValue === 'number' ? value.intValue : (value.intValue?.toNumber() ?? 0);
    case 'doubleValue':
      return value.doubleValue ?? 0;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(readAnyValue);
    case 'kvlistValue':
      return Object.fromEntries(readAttributes(value.kvlistValue?.values));
    case 'bytesValue':
      return Buffer.from(value.bytesValue ?? []).toString('base64');
    default:
      return null;
  }
}

function readAttributes(list: DecodedKeyValue[] | undefined): Map<string, AttributeValue> {
  const map = new Map<string, AttributeValue>();
  for (const { key, value } of list ?? []) map.set(key, readAnyValue(value));
  return map;
}

function toHex(bytes: Uint8Array | undefined): string {
  return bytes && bytes.length > 0 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') : '';
}

/** Throws protobufjs's own error (with the offset) when the bytes are not an ExportTraceServiceRequest. */
export function decodeTraceRequest(body: Uint8Array): TraceBatch {
  const message = types.request.decode(body) as unknown as DecodedRequest;
  return {
    resources: message.resourceSpans.map((resourceSpans) => ({
      attributes: readAttributes(resourceSpans.resource?.attributes),
      spans: resourceSpans.scopeSpans.flatMap((scope) =>
        scope.spans.map((span) => ({
          traceId: toHex(span.traceId),
          spanId: toHex(span.spanId),
          name: span.name,
          startTimeMs: nanosToMs(typeof span.startTimeUnixNano === 'number' ? span.startTimeUnixNano : span.startTimeUnixNano.toString()),
          attributes: readAttributes(span.attributes),
          events: span.events.map((event) => ({ name: event.name, attributes: readAttributes(event.attributes) })),
        })),
      ),
    })),
  };
}

export function encodeTraceResponse(partialSuccess?: { rejectedSpans: number; errorMessage: string }): Uint8Array {
  const response = types.response;
  return response.encode(response.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}

// The gRPC code closest to each HTTP status (google.rpc.Code), as the OTLP spec pairs them.
const RPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 11, 415: 3, 429: 8, 503: 14 };

export function encodeRpcStatus(httpStatus: number, message: string): Uint8Array {
  const status = types.status;
  return status.encode(status.fromObject({ code: RPC_CODES[httpStatus] ?? (httpStatus >= 500 ? 13 : 2), message })).finish();
}

export function decodeRpcStatus(body: Uint8Array): { code: number; message: string } {
  const status = types.status;
  return status.toObject(status.decode(body)) as { code: number; message: string };
}

/** Encodes a request; used by tests and the benchmark to build bodies the way exporters do. */
export function encodeTraceRequest(request: object): Uint8Array {
  const type = types.request;
  return type.encode(type.fromObject(request)).finish();
}
