import { createParser, EventSourceMessage } from 'eventsource-parser';
import { UpstreamBodyError } from '../calls/upstream.errors';

/** One event may not grow past this: an upstream that never ends a line must not fill our memory. */
const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * The server-sent events of an upstream's streamed body, as they arrive: the events each chunk of the
 * body completes, together (a chunk often holds several; one step per event would cost a write and a
 * turn of the event loop each). Reading stops (and the upstream's body is released) when the consumer
 * stops; a body that breaks rejects with its error.
 */
export async function* sseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage[], void, undefined> {
  let queue: EventSourceMessage[] = [];
  let failure: Error | undefined;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_BYTES,
    onEvent: (event) => queue.push(event),
    onError: (error) => {
      // An unknown field or a bad retry line is harmless; an event past the bound is not.
      if (error.type === 'max-buffer-size-exceeded')
        failure = new UpstreamBodyError(`an event of the stream is larger than ${MAX_EVENT_BYTES} bytes`);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (failure) throw failure;
    if (queue.length > 0) {
      const events = queue;
      queue = [];
      yield events;
    }
  }
  parser.feed(decoder.decode());
  if (queue.length > 0) yield queue;
}
