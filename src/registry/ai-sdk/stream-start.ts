import { EmptyResponseBodyError, type LanguageModelV3StreamPart } from '@ai-sdk/provider';

/**
 * Parts that carry nothing the caller could have acted on: what providers send before the answer
 * (OpenAI's first chunk is an empty assistant message, which the SDK turns into text-start and an
 * empty text-delta), and the brackets of a block with nothing in it yet.
 */
const NOT_OUTPUT: ReadonlySet<LanguageModelV3StreamPart['type']> = new Set([
  'stream-start',
  'response-metadata',
  'raw',
  'text-start',
  'text-end',
  'reasoning-start',
  'reasoning-end',
]);

export function isOutput(part: LanguageModelV3StreamPart): boolean {
  if (NOT_OUTPUT.has(part.type)) return false;
  return !((part.type === 'text-delta' || part.type === 'reasoning-delta') && part.delta === '');
}

export interface StartedStream {
  /** The preamble and the first output part, to be sent on first. */
  head: LanguageModelV3StreamPart[];
  reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart>;
}

/**
 * Reads a provider's stream up to its first output part, so a stream that fails before it (an error
 * part, a broken connection, an end with nothing in it) fails the attempt while the next candidate
 * can still be tried: nothing has reached the caller yet. Past this point the stream is the caller's.
 */
export async function readToFirstOutput(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<StartedStream> {
  const reader = stream.getReader();
  const head: LanguageModelV3StreamPart[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new EmptyResponseBodyError({ message: 'the stream ended before any output' });
      if (value.type === 'error') throw value.error;
      head.push(value);
      if (isOutput(value)) return { head, reader };
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  }
}

export interface StreamEnd {
  /** The finish part as it goes to the caller (with the registry's report added). */
  finished(part: Extract<LanguageModelV3StreamPart, { type: 'finish' }>): LanguageModelV3StreamPart;
  /** The stream failed after output: returns the error the caller gets. */
  failed(error: unknown): unknown;
  /** The caller stopped reading, or the stream ended without a finish part. */
  ended(reason: 'cancelled' | 'no_finish'): void;
}

/** The rest of a started stream, passed through as it comes; its end is reported exactly once. */
export function continueStream({ head, reader }: StartedStream, end: StreamEnd): ReadableStream<LanguageModelV3StreamPart> {
  let settled = false;
  const settle = <T>(fn: () => T): T | undefined => {
    if (settled) return undefined;
    settled = true;
    return fn();
  };
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      for (const part of head) controller.enqueue(part);
    },
    async pull(controller) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        // As the SDK's own providers report a failed stream: an error part, then the end.
        controller.enqueue({ type: 'error', error: settle(() => end.failed(error)) ?? error });
        controller.close();
        return;
      }
      if (result.done) {
        settle(() => end.ended('no_finish'));
        controller.close();
        return;
      }
      const part = result.value;
      if (part.type === 'finish') controller.enqueue(settle(() => end.finished(part)) ?? part);
      else if (part.type === 'error') controller.enqueue({ type: 'error', error: settle(() => end.failed(part.error)) ?? part.error });
      else controller.enqueue(part);
    },
    async cancel(reason) {
      settle(() => end.ended('cancelled'));
      await reader.cancel(reason);
    },
  });
}
