import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';

export const createUnsupportedTraceMediaTypeError = createErrorFactory({
  code: 'unsupported_media_type',
  statusCode: 415,
  message: (contentType: string) =>
    `Content-Type "${contentType}" is not an OTLP encoding; send application/x-protobuf or application/json (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json).`,
});

export const createInvalidProtobufError = createErrorFactory({
  code: 'invalid_protobuf',
  statusCode: 400,
  message: (reason: string) => `Request body is not an OTLP ExportTraceServiceRequest in protobuf: ${reason}`,
});

export const createInvalidTraceJsonError = createErrorFactory({
  code: 'invalid_json',
  statusCode: 400,
  message: (reason: string) => `Request body is not valid JSON: ${reason}`,
});

export const createInvalidTraceRequestError = createErrorFactory({
  code: 'validation_failed',
  statusCode: 400,
  message: (details: ErrorDetail[]) =>
    details.length === 1
      ? `Not an OTLP/JSON ExportTraceServiceRequest: ${details[0]!.path}: ${details[0]!.message}`
      : `Not an OTLP/JSON ExportTraceServiceRequest: ${details.length} problems`,
  details: (details: ErrorDetail[]) => details,
});
