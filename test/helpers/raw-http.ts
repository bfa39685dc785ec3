import { connect } from 'node:net';

// Speaks HTTP/1.1 over a bare socket, byte for byte, so tests can send what fetch refuses
// to send: duplicated Content-Length, NUL in a header, a garbage request line, a body
// trickled slowly. The server's whole answer is read until it closes the connection.

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

export function parseRawResponse(raw: string): RawResponse {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const head = headerEnd === -1 ? raw : raw.slice(0, headerEnd);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: headerEnd === -1 ? '' : raw.slice(headerEnd + 4), raw };
}

/**
 * Sends `chunks` one after the other (each after `gapMs`, 0 = at once) and resolves with the
 * answer once the server closes the connection. With `keepSending`, keeps writing one more
 * byte of `keepSending` every gapMs until the server answers: a client that never finishes.
 */
export function sendRaw(url: string, chunks: (string | Buffer)[], options: { gapMs?: number; keepSending?: string } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let next = 0;
    const writeNext = () => {
      if (socket.destroyed) return;
      if (next < chunks.length) socket.write(chunks[next++]!);
      else if (options.keepSending) socket.write(options.keepSending[next++ % options.keepSending.length]!);
      else return;
      timer = setTimeout(writeNext, options.gapMs ?? 0);
    };
    socket.on('connect', writeNext);
    socket.on('data', (data) => received.push(data));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close right after its answer while we still write: the answer counts.
      if (received.length === 0) reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRawResponse(Buffer.concat(received).toString('utf8')));
    });
  });
}
