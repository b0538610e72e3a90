import type { CallActual } from './key-limits.types';

/** An admitted call's reservations: settled once, when the call ends. */
export class Admission {
  private settled = false;

  constructor(
    /** The x-ratelimit-* headers as of the admission. */
    readonly headers: Readonly<Record<string, string>>,
    private readonly settleOnce: (actual: CallActual | 'nothing' | 'unknown') => void,
  ) {}

  /**
   * The call ended: `actual` who answered and the tokens reported; 'nothing' when no provider
   * answered (nothing to pay); 'unknown' when an answer's usage is not known (the reservation stands).
   */
  settle(actual: CallActual | 'nothing' | 'unknown'): void {
    if (this.settled) return;
    this.settled = true;
    this.settleOnce(actual);
  }
}
