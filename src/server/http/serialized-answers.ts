import { SerializedEnvelope } from './api-envelope';

/**
 * A route's answers serialized once per read and query, for a list many clients poll at once: the
 * requests that share one read (SharedReads hands them the same result) and ask the same query (the
 * same DTO, which RepeatedInput makes one object per distinct query) get the same bytes, instead of
 * each serializing and encoding the same few kilobytes. Nothing outlives its read: both levels are
 * weak, so the bytes go with the read that a newer one replaces.
 */
export class SerializedAnswers<Read extends object, Query extends object> {
  private readonly byRead = new WeakMap<Read, WeakMap<Query, SerializedEnvelope>>();

  /** The answer to `query` on `read`: `answer()`'s value in the envelope, serialized the first time it is asked. */
  get(read: Read, query: Query, answer: () => unknown): SerializedEnvelope {
    let byQuery = this.byRead.get(read);
    if (!byQuery) this.byRead.set(read, (byQuery = new WeakMap()));
    let serialized = byQuery.get(query);
    if (!serialized) byQuery.set(query, (serialized = SerializedEnvelope.of(answer())));
    return serialized;
  }
}
