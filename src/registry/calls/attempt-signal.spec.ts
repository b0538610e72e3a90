import { AbortFlag } from './abort-source';
import { AttemptSignal, AttemptTimeoutError } from './attempt-signal';

describe(AbortFlag.name, () => {
  it('fires once, each listener once, with the reason; a listener removed or added later is not called', () => {
    const flag = new AbortFlag();
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    flag.addEventListener('abort', () => heard.push('first'));
    flag.addEventListener('abort', removed);
    flag.removeEventListener('abort', removed);
    flag.addEventListener('abort', () => heard.push('second'));
    flag.abort(new Error('gone'));
    flag.abort(new Error('again'));
    flag.addEventListener('abort', () => heard.push('late'));
    expect(heard).toEqual(['first', 'second']);
    expect(flag.aborted).toBe(true);
    expect((flag.reason as Error).message).toBe('gone');
  });

  it('as an AbortSignal: a listener removed by an earlier one is skipped, one added twice is called once', () => {
    const flag = new AbortFlag();
    const heard: string[] = [];
    const twice = () => heard.push('twice');
    const skipped = () => heard.push('skipped');
    flag.addEventListener('abort', () => flag.removeEventListener('abort', skipped));
    flag.addEventListener('abort', twice);
    flag.addEventListener('abort', twice);
    flag.addEventListener('abort', skipped);
    flag.abort();
    expect(heard).toEqual(['twice']);
  });

  it('a listener that throws stops neither the others nor abort(): its error is rethrown on its own', () => {
    const rethrown: Array<() => unknown> = [];
    const nextTick = jest
      .spyOn(process, 'nextTick')
      .mockImplementation((callback: unknown) => void rethrown.push(callback as () => unknown));
    try {
      const flag = new AbortFlag();
      const heard: string[] = [];
      flag.addEventListener('abort', () => {
        throw new Error('listener broke');
      });
      flag.addEventListener('abort', () => heard.push('after'));
      expect(() => flag.abort()).not.toThrow();
      expect(heard).toEqual(['after']);
      expect(rethrown).toHaveLength(1);
      expect(rethrown[0]).toThrow('listener broke');
    } finally {
      nextTick.mockRestore();
    }
  });

  it('without a reason, fires with the AbortError an AbortController gives', () => {
    const flag = new AbortFlag();
    flag.abort();
    const controller = new AbortController();
    controller.abort();
    expect(flag.reason).toMatchObject({ name: 'AbortError', message: (controller.signal.reason as Error).message });
  });
});

describe(AttemptSignal.name, () => {
  afterEach(() => jest.useRealTimers());

  it('fires when the caller’s flag does, and says so; an AbortSignal asked for later is aborted at once, with the same reason', () => {
    const caller = new AbortFlag();
    const attempt = new AttemptSignal(caller, 60_000);
    caller.abort(new Error('client gone'));
    expect(attempt.aborted).toBe(true);
    expect(attempt.callerAborted).toBe(true);
    expect(attempt.timedOut).toBe(false);
    expect(attempt.signal.aborted).toBe(true);
    expect((attempt.signal.reason as Error).message).toBe('client gone');
    attempt.dispose();
  });

  it('the AbortSignal made before the timeout fires with it; the caller’s AbortSignal works as before', () => {
    jest.useFakeTimers();
    const caller = new AbortController();
    const attempt = new AttemptSignal(caller.signal, 1_000);
    const signal = attempt.signal;
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(attempt.timedOut).toBe(true);
    expect(signal.reason).toBeInstanceOf(AttemptTimeoutError);
    expect(attempt.reason).toBe(signal.reason);
    caller.abort();
    expect(attempt.callerAborted).toBe(true);
    expect(attempt.reason).toBeInstanceOf(AttemptTimeoutError); // the first reason stays
  });

  it('disposed, it stops listening to the caller and its timer is gone', () => {
    jest.useFakeTimers();
    const caller = new AbortFlag();
    const attempt = new AttemptSignal(caller, 1_000);
    attempt.dispose();
    caller.abort();
    jest.advanceTimersByTime(5_000);
    expect(attempt.aborted).toBe(false);
    expect(attempt.timedOut).toBe(false);
  });
});
