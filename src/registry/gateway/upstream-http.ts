import type { IncomingHttpHeaders } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
import { abortError, type AbortSource } from '../calls/abort-source';
import { UpstreamBodyError } from '../calls/upstream.errors';

/** An upstream's error body is read this far: enough for any error message, bounded against a hostile one. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * The largest JSON answer read whole (text()): far above any chat answer, and above an embeddings
 * batch of 2,048 inputs at 3,072 dimensions (~70 MB as JSON), while well under what V8 can hold as
 * one string (~512 MiB): past that, decoding it would throw, and past this, an upstream that answers
 * without end would be buffered until the call's timeout.
 */
export const MAX_ANSWER_BYTES = 128 * 1024 * 1024;

function answerTooLarge(limit: number): UpstreamBodyError {
  return new UpstreamBodyError(`the answer is larger than ${limit} bytes`);
}

/** Body bytes held unread before the upstream socket is paused (as a Readable's default high-water mark). */
const HIGH_WATER_BYTES = 64 * 1024;

/** An upstream's answer: its status and headers once they arrived, the body as it arrives. */
export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/** The body of an upstream answer, read once: by iteration (chunks as they arrive) or whole (text). */
export interface UpstreamBody extends AsyncIterable<Buffer> {
  /** The whole body has arrived (what is left to read is held here). */
  readonly ended: boolean;
  /** The whole body as UTF-8; rejects (the request aborted) with UpstreamBodyError past `maxBytes`. */
  text(maxBytes?: number): Promise<string>;
  /** Drops what is unread: the request is aborted and its connection closed (unless the body had ended). */
  destroy(): void;
}

/**
 * One POST to an upstream through the egress-checked, keep-alive pool; aborted with `signal`.
 *
 * On undici's dispatch API rather than `request()`: `request()` wraps every body in a Readable stream
 * (and an AsyncResource), which the gateway then reads through an async iterator, and on a stream of
 * small events that machinery was a tenth of the gateway's CPU. Here the chunks go from undici's parser
 * to the one reader there is, with the same backpressure (the socket is paused past HIGH_WATER_BYTES
 * unread) and the same errors (undici's, or the signal's reason).
 */
export function postUpstream(
  dispatcher: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSource,
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const { origin, pathname, search } = new URL(url);
    // Our own timers govern (CALL_TIMEOUT_MS, STREAM_IDLE_TIMEOUT_MS): undici's 300 s defaults would cut a longer setting.
    const options = { origin, path: pathname + search, method: 'POST' as const, headers, body, headersTimeout: 0, bodyTimeout: 0 };
    dispatcher.dispatch(options, new UpstreamExchange(signal, resolve, reject));
  });
}

/** The start of a body as text; the rest is dropped and the connection released. */
export async function readBounded(body: UpstreamBody, max = MAX_ERROR_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= max) break; // leaving the loop drops the rest (return() destroys the body)
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

type Waiter = { resolve: (result: IteratorResult<Buffer, undefined>) => void; reject: (error: unknown) => void };

/** undici's handler for one exchange, and the body's reader: chunks queue here until read. */
class UpstreamExchange implements Dispatcher.DispatchHandler, UpstreamBody, AsyncIterator<Buffer, undefined> {
  private controller: Dispatcher.DispatchController | null = null;
  /** Aborted before undici handed us the controller (the request was still waiting for a connection). */
  private abortedEarly: Error | null = null;
  private started = false;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  ended = false;
  private failure: unknown = null;
  private waiter: Waiter | null = null;
  /** A reader of the whole body (text()): its chunks are held, never paused for, until the end. */
  private textWaiter: { resolve: (text: string) => void; reject: (error: unknown) => void } | null = null;
  private textLimit = MAX_ANSWER_BYTES;
  private waking = false;
  // A timeout, the AbortError, or the caller's own reason; one that is no Error (or none) stands for an AbortError.
  private readonly onAbort = () => this.abort(this.signal.reason instanceof Error ? this.signal.reason : abortError());

  constructor(
    private readonly signal: AbortSource,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortedEarly) controller.abort(this.abortedEarly);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // informational (100 Continue): the answer is still to come
    this.started = true;
    this.resolve({ statusCode, headers, body: this });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.textWaiter !== null && this.queued > this.textLimit) {
      // Not held while the walk goes on to the next candidate: up to the whole bound per attempt.
      this.queue.length = 0;
      this.queued = 0;
      this.abort(answerTooLarge(this.textLimit));
      return;
    }
    if (this.queued >= HIGH_WATER_BYTES && this.textWaiter === null) controller.pause();
    this.wake();
  }

  onResponseEnd(): void {
    this.ended = true;
    this.settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.failure = error;
    this.settle();
    if (!this.started) this.reject(error);
  }

  next(): Promise<IteratorResult<Buffer, undefined>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.take(), done: false });
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** A reader that stops early (break, throw) drops the rest. */
  return(): Promise<IteratorResult<Buffer, undefined>> {
    this.destroy();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer, undefined> {
    return this;
  }

  /** The whole body as UTF-8, in one wait for its end (not a turn per chunk). */
  text(maxBytes = MAX_ANSWER_BYTES): Promise<string> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.textLimit = maxBytes;
    if (this.ended && this.queued > maxBytes) return Promise.reject(answerTooLarge(maxBytes));
    if (this.ended) return new Promise((resolve, reject) => this.answerText({ resolve, reject }));
    const text = new Promise<string>((resolve, reject) => (this.textWaiter = { resolve, reject }));
    // Held unread before: the rest is wanted now (resuming can hand over chunks at once, so after the waiter is set).
    if (this.controller?.paused) this.controller.resume();
    return text;
  }

  destroy(): void {
    if (this.ended || this.failure !== null) return;
    this.abort(new Error('the upstream body was dropped unread'));
  }

  private abort(reason: Error): void {
    if (this.controller) return this.controller.abort(reason);
    // Still waiting for a connection (one that may never come): the caller is told at once, and the
    // request is dropped when undici gets to it.
    this.abortedEarly ??= reason;
    if (!this.started) this.reject(reason);
  }

  /** The exchange is over: nothing left listening on the signal; a reader waiting is told. */
  private settle(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    const textWaiter = this.textWaiter;
    this.textWaiter = null;
    if (textWaiter && this.failure !== null) textWaiter.reject(this.failure);
    else if (textWaiter) this.answerText(textWaiter);
    this.wake();
  }

  /**
   * Answers a waiting reader once the current turn is over: undici hands over each chunk of a chunked
   * body on its own, and one socket read often holds many (a stream's events), which the reader then
   * gets together, as a Readable's read() would give them.
   */
  private wake(): void {
    if (this.waiter === null || this.waking) return;
    this.waking = true;
    queueMicrotask(this.answerWaiter);
  }

  private readonly answerWaiter = () => {
    this.waking = false;
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    if (this.queue.length > 0) waiter.resolve({ value: this.take(), done: false });
    else if (this.failure !== null) waiter.reject(this.failure);
    else waiter.resolve({ value: undefined, done: true });
  };

  /** The body read whole, as text: one that cannot be decoded is a failed answer, never a promise left waiting. */
  private answerText(waiter: { resolve: (text: string) => void; reject: (error: unknown) => void }): void {
    try {
      waiter.resolve(this.take().toString('utf8'));
    } catch (error) {
      waiter.reject(new UpstreamBodyError(`the answer could not be read as text: ${(error as Error).message}`));
    }
  }

  /** Everything queued, as one chunk (empty when nothing is); the socket resumed if it was paused for it. */
  private take(): Buffer {
    const chunk = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue, this.queued);
    this.queue.length = 0;
    this.queued = 0;
    if (this.controller?.paused) this.controller.resume();
    return chunk;
  }
}
