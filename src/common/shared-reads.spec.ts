import { SharedReads } from './shared-reads';

/** A read whose end the test decides: each call is recorded with what the "database" held when it began. */
function controlledReads() {
  let committed = 0;
  const calls: Array<{ key: string; saw: number; finish(): void; fail(error: Error): void }> = [];
  const reads = new SharedReads<string, string>(
    (key) =>
      new Promise<string>((resolve, reject) => {
        const saw = committed;
        calls.push({ key, saw, finish: () => resolve(`${key}@${saw}`), fail: reject });
      }),
  );
  return { reads, calls, commit: () => committed++ };
}

const ticks = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedReads', () => {
  it('callers arriving while a read runs share the next one, which starts after it and sees their writes', async () => {
    const { reads, calls, commit } = controlledReads();
    const first = reads.get('all');
    expect(calls).toHaveLength(1);

    commit(); // a write that committed while the first read was in flight
    const late = [reads.get('all'), reads.get('all'), reads.get('all')];
    await ticks();
    expect(calls).toHaveLength(1); // nothing new starts while one runs

    calls[0].finish();
    expect(await first).toBe('all@0');
    await ticks();
    expect(calls).toHaveLength(2); // one read for the three who waited, begun after their write
    calls[1].finish();
    expect(await Promise.all(late)).toEqual(['all@1', 'all@1', 'all@1']);
  });

  it('a caller after everything settled starts a read of its own at once', async () => {
    const { reads, calls } = controlledReads();
    const first = reads.get('all');
    calls[0].finish();
    await first;
    const again = reads.get('all');
    expect(calls).toHaveLength(2);
    calls[1].finish();
    await again;
  });

  it('keys do not wait for each other', async () => {
    const { reads, calls } = controlledReads();
    const a = reads.get('a');
    const b = reads.get('b');
    expect(calls.map((c) => c.key)).toEqual(['a', 'b']);
    calls[1].finish();
    expect(await b).toBe('b@0');
    calls[0].finish();
    expect(await a).toBe('a@0');
  });

  it('a failed read fails its own callers only; those queued behind it get a read of their own', async () => {
    const { reads, calls } = controlledReads();
    const failing = reads.get('all');
    const queued = reads.get('all');
    calls[0].fail(new Error('database gone'));
    await expect(failing).rejects.toThrow('database gone');
    await ticks();
    expect(calls).toHaveLength(2);
    calls[1].finish();
    expect(await queued).toBe('all@0');
  });

  it('a queued read that fails fails everyone who waited for it, and the next caller starts afresh', async () => {
    const { reads, calls } = controlledReads();
    const first = reads.get('all');
    const queued = [reads.get('all'), reads.get('all')];
    calls[0].finish();
    await first;
    await ticks();
    calls[1].fail(new Error('timeout'));
    for (const waiting of queued) await expect(waiting).rejects.toThrow('timeout');
    const fresh = reads.get('all');
    expect(calls).toHaveLength(3);
    calls[2].finish();
    expect(await fresh).toBe('all@0');
  });
});
