import { AbortFlag, type AbortSource } from './abort-source';

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
 *
 * An AbortSource itself, which the gateway's upstream request listens to; an AbortSignal only for
 * code that needs one (an SDK's fetch), made when first asked for.
 */
export class AttemptSignal extends AbortFlag {
  private controller: AbortController | null = null;
  private timer: NodeJS.Timeout;
  private idleMs: number | undefined;
  private readonly onCallerAbort = () => this.abort(this.caller?.reason);
  timedOut = false;

  constructor(
    private readonly caller: AbortSource | undefined,
    timeoutMs: number,
  ) {
    super();
    this.timer = this.deadline(timeoutMs);
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** The attempt as an AbortSignal, aborted with the same reason when the attempt is. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.aborted) controller.abort(this.reason);
      else this.addEventListener('abort', () => controller.abort(this.reason));
    }
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
      this.abort(new AttemptTimeoutError(ms));
    }, ms);
  }

  /** The attempt is over: no timer left running, no listener left on the caller's signal. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
