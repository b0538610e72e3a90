/** Why an attempt's signal fired: the reason it is aborted with, so the fetch rejects with something readable. */
export class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/**
 * The signal one attempt runs under: the caller's, plus the per-attempt timeout. It remembers which
 * of the two fired, since the error the SDK raises does not say. For a stream the timeout covers the
 * wait for the first output part only (stopTimer): a long answer is not a hung provider.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  private idleMs: number | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.caller?.reason);
  timedOut = false;

  constructor(
    private readonly caller: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    this.timer = this.deadline(timeoutMs);
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get callerAborted(): boolean {
    return this.caller?.aborted === true;
  }

  stopTimer(): void {
    clearTimeout(this.timer);
  }

  /** A stream that has begun: from now on at most `ms` between two chunks (call again at each one). */
  idleTimeout(ms: number): void {
    if (this.idleMs === ms) {
      this.timer.refresh(); // cheaper than a new timer per chunk
      return;
    }
    clearTimeout(this.timer);
    this.idleMs = ms;
    this.timer = this.deadline(ms);
  }

  private deadline(ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new AttemptTimeoutError(ms));
    }, ms);
  }

  /** The attempt is over: no timer left running, no listener left on the caller's signal. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
