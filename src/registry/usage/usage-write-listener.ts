import type { CallDeltas } from './call-tally';

/**
 * Told after usage is written (a flush or an API batch), to act on what the calls mean: passive
 * health and budgets (UsageFanOut, wired by the module). An abstract class so Nest can inject it by
 * type, and so usage depends on nothing above it.
 */
export abstract class UsageWriteListener {
  /** Called once the usage is safe in the database; must not throw (a failure is the listener's to log). */
  abstract afterWrite(calls: CallDeltas): Promise<void>;
}
