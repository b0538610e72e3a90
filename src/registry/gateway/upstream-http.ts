import type { Agent, Dispatcher } from 'undici';
import { loadUndici } from '../egress/undici';

/** An upstream's error body is read this far: enough for any error message, bounded against a hostile one. */
const MAX_ERROR_BODY = 64 * 1024;

export type UpstreamResponse = Dispatcher.ResponseData;

/** One POST to an upstream through the egress-checked, keep-alive pool; aborted with `signal`. */
export function postUpstream(
  dispatcher: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<UpstreamResponse> {
  // Our own timers govern (CALL_TIMEOUT_MS, STREAM_IDLE_TIMEOUT_MS): undici's 300 s defaults would cut a longer setting.
  return loadUndici().request(url, { method: 'POST', headers, body, dispatcher, signal, headersTimeout: 0, bodyTimeout: 0 });
}

/** The start of a body as text; the rest is dropped and the connection released. */
export async function readBounded(body: UpstreamResponse['body'], max = MAX_ERROR_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size >= max) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}
