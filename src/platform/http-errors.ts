import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

// Every answer Vigil gives, down to the HTTP parser's, has the documented shape
// {"error":{"code","message"}}. Errors raised before Fastify builds a request (a malformed
// request line, an oversized header, a request that trickles in too slowly) reach Node's
// 'clientError' event with only the socket, so their answer is written by hand. No answer
// echoes the request back: a 16 KiB URL stays out of the response and out of the logs.

export interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

export function errorBody(code: string, message: string, details?: { path: string; message: string }[]): ErrorBody {
  return { error: details && details.length > 0 ? { code, message, details } : { code, message } };
}

interface ProtocolError {
  status: number;
  code: string;
  message: string;
}

/** Beyond this, a header overflow with no end of the request line in sight is a URL too long, not a header too large. */
const LONG_REQUEST_LINE_BYTES = 8 * 1024;

function isUrlTooLong(rawPacket: unknown): boolean {
  if (!Buffer.isBuffer(rawPacket)) return false;
  const lineEnd = rawPacket.indexOf('\r\n');
  return lineEnd === -1 || lineEnd > LONG_REQUEST_LINE_BYTES;
}

/** Maps an llhttp / Node client error onto Vigil's status and code. */
export function describeProtocolError(error: NodeJS.ErrnoException & { rawPacket?: unknown }): ProtocolError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'The request was not received in time; send it again at full speed.' };
    case 'HPE_HEADER_OVERFLOW':
      return isUrlTooLong(error.rawPacket)
        ? { status: 414, code: 'uri_too_long', message: 'The request URL is too long.' }
        : { status: 431, code: 'headers_too_large', message: 'The request headers exceed 16 KiB.' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'invalid_content_length', message: 'Content-Length must be one whole number, sent once.' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, code: 'invalid_transfer_encoding', message: 'Send either Content-Length or Transfer-Encoding: chunked, not both.' };
    case 'HPE_INVALID_HEADER_TOKEN':
      return { status: 400, code: 'invalid_header', message: 'A header name or value holds a character HTTP does not allow (a NUL, a control character).' };
    case 'HPE_INVALID_METHOD':
    case 'HPE_INVALID_URL':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_CONSTANT':
      return { status: 400, code: 'invalid_request_line', message: 'The request line is not "METHOD /path HTTP/1.1".' };
    default:
      return { status: 400, code: 'bad_request', message: 'The request is not valid HTTP/1.1.' };
  }
}

/** Fastify's `clientErrorHandler`: answers once in Vigil's shape, then closes the connection. */
export function handleClientError(this: { log: { debug(object: object, message: string): void } }, error: NodeJS.ErrnoException, socket: Socket) {
  // A reset socket has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = describeProtocolError(error);
  this.log.debug({ code: error.code, status }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(errorBody(code, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify's `frameworkErrors`: a URL that does not decode or a path parameter over the router's limit. */
export function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply.code(414).send(errorBody('uri_too_long', 'The request URL is too long.'));
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return reply.code(400).send(errorBody('invalid_url', 'The request URL is not valid percent-encoded UTF-8.'));
  }
  return reply.code(400).send(errorBody('bad_request', 'The request could not be routed.'));
}
