import { AsyncLocalStorage } from 'node:async_hooks';

/** Who the work in a context is done for; filled in later for a request (actAs), once its token was checked. */
interface ActorSlot {
  actor?: string;
}

const actors = new AsyncLocalStorage<ActorSlot>();

/**
 * Runs `fn` on behalf of `actor` (an API token's name): the registry's writes inside it record that
 * name in the audit trail. Asynchronous work started inside inherits it; nothing outside sees it.
 */
export function runAsActor<T>(actor: string, fn: () => T): T {
  return actors.run({ actor }, fn);
}

/**
 * Runs `fn` (the rest of a request) with no actor yet, in a context whose actor actAs() names once
 * it is known: the guard checks the token after the request's context was entered, and work it
 * starts from then on records that name, as inside runAsActor.
 */
export function runWithActorSlot<T>(fn: () => T): T {
  return actors.run({}, fn);
}

/** Names the actor of the current runWithActorSlot context; false (and nothing named) outside one. */
export function actAs(actor: string): boolean {
  const slot = actors.getStore();
  if (slot === undefined) return false;
  slot.actor = actor;
  return true;
}

/** Who the current work is done for; undefined outside runAsActor and before actAs (jobs, host apps, benchmarks). */
export function currentActor(): string | undefined {
  return actors.getStore()?.actor;
}
