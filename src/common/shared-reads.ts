interface Slot<T> {
  running: Promise<T>;
  /** The read that starts when `running` settles, shared by everyone who asked meanwhile. */
  next?: Promise<T>;
}

/**
 * One read per key at a time, shared by every caller who asks while another runs: they wait for
 * the one in flight to end and share the read after it. Never the one in flight, which may have
 * started before a caller's own write committed: every caller gets a read begun after it asked,
 * so it sees whatever was committed before (read-your-writes, and across instances, since each
 * read is a new one). At most one read runs per key, however many callers pile up, and each waits
 * for at most two. Coalescing libraries (singleflight ports, p-memoize, DataLoader) hand a late
 * caller the result in flight, which is what this must not do.
 */
export class SharedReads<K, T> {
  private readonly slots = new Map<K, Slot<T>>();

  constructor(private readonly read: (key: K) => Promise<T>) {}

  get(key: K): Promise<T> {
    const slot = this.slots.get(key);
    if (!slot) return this.start(key);
    const settled = () => undefined;
    slot.next ??= slot.running.then(settled, settled).then(() => this.start(key));
    return slot.next;
  }

  private start(key: K): Promise<T> {
    const slot: Slot<T> = { running: this.read(key) };
    this.slots.set(key, slot);
    // Runs before the queued read's own handler (registered later): the slot stays while a read is queued on it.
    const done = () => {
      if (slot.next === undefined) this.slots.delete(key);
    };
    slot.running.then(done, done);
    return slot.running;
  }
}
