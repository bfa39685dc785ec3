import { z } from 'zod';

// The OTLP/JSON encoding of ExportTraceServiceRequest (opentelemetry-proto, trace_service.proto):
// lowerCamelCase field names, trace and span ids as hex strings, 64-bit integers as strings or
// numbers. Unknown fields are ignored, as the OTLP spec asks of receivers; ids and times are
// checked span by span in the mapping, so one bad span is rejected without failing the batch.

const int64 = z.union([z.string(), z.number()]);

export interface OtlpJsonAnyValue {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: string | number | undefined;
  doubleValue?: number | string | undefined;
  bytesValue?: string | undefined;
  arrayValue?: { values?: OtlpJsonAnyValue[] | undefined } | undefined;
  kvlistValue?: { values?: OtlpJsonKeyValue[] | undefined } | undefined;
}

export interface OtlpJsonKeyValue {
  key: string;
  value?: OtlpJsonAnyValue | undefined;
}

export const otlpAnyValueSchema: z.ZodType<OtlpJsonAnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    // JSON has no NaN or Infinity; OTLP/JSON writes them as strings.
    doubleValue: z.union([z.number(), z.string()]).optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(otlpAnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(otlpKeyValueSchema).optional() }).optional(),
  }),
);

export const otlpKeyValueSchema: z.ZodType<OtlpJsonKeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: otlpAnyValueSchema.optional() }),
);

const attributes = z.array(otlpKeyValueSchema).optional();

export const otlpSpanSchema = z.object({
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: z.union([z.number(), z.string()]).optional(),
  startTimeUnixNano: int64.optional(),
  endTimeUnixNano: int64.optional(),
  attributes,
  events: z.array(z.object({ timeUnixNano: int64.optional(), name: z.string().optional(), attributes })).optional(),
  status: z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).optional(),
});

export const otlpTraceRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes }).optional(),
        scopeSpans: z
          .array(z.object({ scope: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(), spans: z.array(otlpSpanSchema).optional() }))
          .optional(),
      }),
      { error: 'must be an array of ResourceSpans' },
    )
    .optional(),
});

/** ExportTraceServiceResponse: `partialSuccess` is set only when spans were rejected. */
export const otlpTraceResponseSchema = z.object({
  partialSuccess: z
    .object({
      rejectedSpans: z.union([z.string(), z.number()]).describe('How many spans were rejected (int64; a string in OTLP/JSON).'),
      errorMessage: z.string().describe('Why, for the first few rejected spans.'),
    })
    .optional(),
});

export type OtlpJsonTraceRequest = z.infer<typeof otlpTraceRequestSchema>;
export type OtlpJsonSpan = z.infer<typeof otlpSpanSchema>;
export type OtlpTraceResponse = z.infer<typeof otlpTraceResponseSchema>;
