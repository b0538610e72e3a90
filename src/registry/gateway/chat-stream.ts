import type { EventSourceMessage } from 'eventsource-parser';
import type { Attempt } from '../calls/plan-walker';
import { UpstreamBodyError } from '../calls/upstream.errors';
import { redact } from '../health/probes/probe-detail';
import { withoutEchoedKey } from './echoed-key';
import type { UpstreamBody } from './upstream-http';
import { errorFrame, StreamFailure, StreamRelay } from './upstream-wire';

/** How long what an upstream sends after its last event may take before its connection is dropped instead. */
const TRAILER_DRAIN_MS = 1_000;

/** An upstream stream whose first output has arrived (and was judged, with the first-byte timeout). */
export interface StartedStream {
  attempt: Attempt;
  relay: StreamRelay;
  events: AsyncGenerator<EventSourceMessage[], void, undefined>;
  /** The frames of the first output (and whatever arrived with it), not yet sent, as one piece. */
  first: string;
  idleTimeoutMs: number;
  /** The upstream's body the events are read from: dropped (destroy) when the client went away or we stopped reading. */
  body: Pick<UpstreamBody, 'ended' | 'destroy'>;
  /** How the stream ended, once: for the call's metrics. */
  ended(result: 'success' | 'stream_error' | 'cancelled', tokens: StreamRelay['tokens']): void;
}

/**
 * Reads upstream events until the relay has output to send. Before this returns, a failure is worth
 * another candidate (nothing reached the client): an error event, or a stream that ends with nothing.
 */
export async function readToFirstFrames(
  relay: StreamRelay,
  events: AsyncGenerator<EventSourceMessage[], void, undefined>,
  apiKey: string | undefined,
): Promise<string> {
  for (;;) {
    const next = await events.next();
    if (next.done) throw new UpstreamBodyError('the stream ended before any output');
    const frames = framesOf(relay, next.value, apiKey);
    if (relay.failure) throw new UpstreamBodyError(failureReason(relay.failure, 'the stream began with an error'));
    if (frames !== '') return frames;
  }
}

/** The frames a batch of upstream events makes, as one piece (one write); it stops at the stream's end or an error. */
function framesOf(relay: StreamRelay, batch: readonly EventSourceMessage[], apiKey: string | undefined): string {
  let frames = '';
  for (const event of batch) {
    for (const frame of relay.push(event)) frames += frame;
    if (relay.finished || relay.failure) break;
  }
  return withoutEchoedKey(frames, apiKey);
}

/**
 * The rest of a started stream, relayed as it arrives, each chunk within the idle timeout. It ends
 * with [DONE] and the attempt recorded as a success only when the upstream finished the answer; a
 * stream that breaks, errs or stops short ends with OpenAI's error event and no [DONE], recorded as
 * the provider's failure. A consumer that stops reading (return(): the client went away) aborts the
 * upstream at once and is recorded as cancelled: no outcome, nothing said about the provider.
 */
export async function* relayStream(stream: StartedStream): AsyncGenerator<string, void, undefined> {
  const { attempt, relay, events } = stream;
  const secrets = attempt.connection.apiKey ? [attempt.connection.apiKey] : [];
  let settled = false;
  let drained = false;
  try {
    yield stream.first;
    attempt.signal.idleTimeout(stream.idleTimeoutMs);
    while (!relay.finished && !relay.failure) {
      const next = await events.next();
      if (next.done) break;
      attempt.signal.idleTimeout(stream.idleTimeoutMs);
      const frames = framesOf(relay, next.value, attempt.connection.apiKey);
      if (frames !== '') yield frames;
    }
    settled = true;
    if (relay.finished) {
      attempt.signal.dispose();
      attempt.record('success', relay.tokens);
      stream.ended('success', relay.tokens);
      drained = true;
      // Usually [DONE] came with the end of the body; otherwise the rest is read, to keep the connection.
      if (!stream.body.ended) void drainTrailer(stream);
      return;
    }
    const failure = relay.failure;
    const failed = attempt.failedMidStream(
      new UpstreamBodyError(
        failure ? failureReason(failure, 'the provider sent an error') : 'the stream ended before the answer was complete',
      ),
    );
    stream.ended('stream_error', relay.tokens);
    yield errorFrame({
      message: redact((failed as Error).message, secrets),
      type: failure?.type ?? 'server_error',
      code: failure?.code ?? 'stream_interrupted',
    });
  } catch (error) {
    settled = true;
    const failed = attempt.failedMidStream(error);
    stream.ended(attempt.signal.callerAborted ? 'cancelled' : 'stream_error', relay.tokens);
    if (!attempt.signal.callerAborted) {
      yield errorFrame({ message: redact((failed as Error).message, secrets), type: 'server_error', code: 'stream_interrupted' });
    }
  } finally {
    if (!settled) {
      // The consumer stopped reading: the client is gone.
      stream.body.destroy();
      attempt.signal.dispose();
      attempt.record(undefined, relay.tokens);
      stream.ended('cancelled', relay.tokens);
    }
    if (!drained) void events.return(undefined).catch(() => undefined);
  }
}

/** A stream's failure as the attempt's reason: the provider's own message after `reported`, or ours as it is. */
function failureReason(failure: StreamFailure, reported: string): string {
  return failure.unreadable ? failure.message : `${reported}: ${failure.message}`;
}

/**
 * Reads what the upstream sends after [DONE] (normally only the end of its chunked body) instead of
 * dropping it: a body left unread is destroyed, and undici then closes the keep-alive connection, so
 * every stream would open a new one. In the background (the client's answer is complete); an upstream
 * that keeps the body open past TRAILER_DRAIN_MS is cut.
 */
async function drainTrailer(stream: StartedStream): Promise<void> {
  const cut = setTimeout(() => stream.body.destroy(), TRAILER_DRAIN_MS);
  try {
    for (let next = await stream.events.next(); !next.done; next = await stream.events.next()) {
      // Past [DONE]: nothing more is relayed.
    }
  } catch {
    // Cut, or broken after the answer was complete: nothing left to tell anyone.
  } finally {
    clearTimeout(cut);
  }
}
