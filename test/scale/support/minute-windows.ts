import type { Instance } from '../../support/instances';
import { Reply, chat } from './key-limit-calls';

export const MINUTE = 60_000;
export const minuteOf = (t: number) => Math.floor(t / MINUTE) * MINUTE;

/** Waits for the next UTC minute to begin; its start. */
export async function nextMinute(): Promise<number> {
  const start = minuteOf(Date.now()) + MINUTE;
  await new Promise((resolve) => setTimeout(resolve, start - Date.now()));
  return start;
}

/**
 * Calls at a steady rate, one every `everyMs` from `from` until `until`, each to the next of the
 * instances `alive()` names then (a killed one is left out from then on), without waiting for answers.
 */
export async function hammer(
  alive: () => Instance[],
  key: string,
  tag: string,
  from: number,
  until: number,
  everyMs: number,
): Promise<Reply[]> {
  const calls: Array<Promise<Reply>> = [];
  for (let i = 0; from + i * everyMs < until; i++) {
    const wait = from + i * everyMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const targets = alive();
    calls.push(chat(targets[i % targets.length], key, `${tag}:${i}`));
  }
  return Promise.all(calls);
}

export interface WindowCount {
  /** Calls sent and answered within the window: certainly admitted in it. */
  certain: number;
  /** Calls sent before one of its edges and answered after it: admitted in this window or the one beside it. */
  straddling: number;
}

/**
 * The calls of `replies` for which `counted` holds, by the UTC minute they were admitted in, as far as
 * the client can tell: a call was admitted at some moment between its sending and its answer.
 */
export function countByWindow(replies: Reply[], windowStart: number, counted: (reply: Reply) => boolean): WindowCount {
  const count = { certain: 0, straddling: 0 };
  for (const reply of replies) {
    if (!counted(reply)) continue;
    const [sent, received] = [minuteOf(reply.sentAt), minuteOf(reply.receivedAt)];
    if (sent === windowStart && received === windowStart) count.certain++;
    else if (sent <= windowStart && received >= windowStart && sent !== received) count.straddling++;
  }
  return count;
}

/**
 * A refusal's retry moment — its Retry-After counted from when the server decided, somewhere between
 * the call's sending and its answer — as [earliest, latest] ms after the end of the window it was refused
 * in. Right (the moment can be in [end, end + 1 s)) when latest ≥ 0 and earliest < 1000 for one of the
 * windows the call may have been decided in; null when for none.
 */
export function retryMoment(reply: Reply): { end: number; earliest: number; latest: number } | null {
  const retryMs = Number(reply.headers.get('retry-after')) * 1000;
  for (const end of new Set([minuteOf(reply.sentAt) + MINUTE, minuteOf(reply.receivedAt) + MINUTE])) {
    const earliest = reply.sentAt + retryMs - end;
    const latest = reply.receivedAt + retryMs - end;
    if (latest >= 0 && earliest < 1000) return { end, earliest, latest };
  }
  return null;
}
