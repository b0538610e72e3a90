import { AsyncLocalStorage } from 'node:async_hooks';

const actors = new AsyncLocalStorage<string>();

/**
 * Runs `fn` on behalf of `actor` (an API token's name): the registry's writes inside it record that
 * name in the audit trail. Asynchronous work started inside inherits it; nothing outside sees it.
 */
export function runAsActor<T>(actor: string, fn: () => T): T {
  return actors.run(actor, fn);
}

/** Who the current work is done for; undefined outside runAsActor (jobs, host apps, benchmarks). */
export function currentActor(): string | undefined {
  return actors.getStore();
}
