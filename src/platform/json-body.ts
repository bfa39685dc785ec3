import { isUtf8 } from 'node:buffer';
import secureJsonParse from 'secure-json-parse';
import { VigilError } from './errors.ts';

// The one reading of a JSON request body, shared by the HTTP server's parser and the ingest
// workers (which parse /v1/events bodies off the main thread): the same checks in the same
// order give the same 400 answers on both paths. No Fastify import: workers load this file.

// Fastify's own wording, kept so that the answers did not change when parsing moved here.
const INVALID_JSON_REASON = "Body is not valid JSON but content-type is set to 'application/json'";

const createInvalidUtf8Error = () => new VigilError({ code: 'invalid_utf8', statusCode: 400, message: 'Request body is not valid UTF-8.' });
const createEmptyBodyError = () => new VigilError({ code: 'invalid_json', statusCode: 400, message: 'Request body is empty; send a JSON object.' });
const createInvalidJsonError = () => new VigilError({ code: 'invalid_json', statusCode: 400, message: `Request body is not valid JSON: ${INVALID_JSON_REASON}` });

/**
 * Parses a JSON body. Bytes that are not UTF-8 would be silently replaced by U+FFFD, so two
 * distinct event ids could collapse into one and the second event be dropped as its duplicate:
 * they are refused instead. `__proto__` and `constructor.prototype` keys are refused too.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (!isUtf8(bytes)) throw createInvalidUtf8Error();
  if (bytes.length === 0) throw createEmptyBodyError();
  try {
    return secureJsonParse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw createInvalidJsonError();
  }
}
