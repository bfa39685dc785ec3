import { readResponsePath, type TargetRequest } from './probe-target.models.ts';

// One HTTP call to the app's probe target, bounded in time (the whole call, body included)
// and in size. Every failure becomes a ProbeCallError with a short, secret-free message,
// which the probe run records as an error: a target that fails proves nothing either way.

export const MAX_RESPONSE_BYTES = 1_000_000;

export type ProbeCallErrorCode = 'timeout' | 'network' | 'http_status' | 'too_large' | 'bad_response';

export class ProbeCallError extends Error {
  override name = 'ProbeCallError';

  constructor(
    readonly code: ProbeCallErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export async function callProbeTarget(request: TargetRequest, options: { fetch: FetchLike; timeoutMs: number; maxBytes?: number }): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const timedOut = () => new ProbeCallError('timeout', `no answer within ${options.timeoutMs} ms`);
  let response: Response;
  try {
    response = await options.fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal, redirect: 'error' });
  } catch (error) {
    if (signal.aborted) throw timedOut();
    throw new ProbeCallError('network', `request failed: ${describeCause(error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ProbeCallError('http_status', `target answered HTTP ${response.status}`);
  }
  let text: string;
  try {
    text = await readLimited(response, options.maxBytes ?? MAX_RESPONSE_BYTES);
  } catch (error) {
    if (error instanceof ProbeCallError) throw error;
    if (signal.aborted) throw timedOut();
    throw new ProbeCallError('network', `reading the answer failed: ${describeCause(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProbeCallError('bad_response', 'target answered with something that is not JSON');
  }
  try {
    return readResponsePath(json, request.responsePath);
  } catch (error) {
    throw new ProbeCallError('bad_response', error instanceof Error ? error.message : String(error));
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ProbeCallError('too_large', `answer is ${declared} bytes; the limit is ${maxBytes}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ProbeCallError('too_large', `answer is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// undici wraps the real reason (ECONNREFUSED, …) in `cause`; URLs and headers never go into the message.
function describeCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return cause instanceof Error ? cause.message.slice(0, 200) : String(cause).slice(0, 200);
}
