import { performance } from 'node:perf_hooks';

/** How long this process remembers its own writes' transaction ids to skip their echoes. */
const OWN_XID_TTL_MS = 60_000;

/** One write of this process in flight. */
export interface WriteTicket {
  /** performance.now() when it was sent: a load that started later may have read before it. */
  sentAt: number;
  /** Another write of one of these providers ran at the same time: which committed last is unknown. */
  overlapped: boolean;
}

/**
 * What read-your-writes needs to know about this process's own writes: which providers are being
 * written right now (and whether two writes of one overlapped), which transactions were ours (so
 * the triggers' echo of them is not loaded again), and the notifications held back meanwhile.
 * It decides which providers to load; the loading is the caller's.
 */
export class WriteTracker {
  private readonly writing = new Map<string, Set<WriteTicket>>();
  private readonly ownXids = new Map<string, { at: number; providers: ReadonlySet<string> }>();
  /** Notifications naming providers that were being written when they came in, by transaction id. */
  private readonly deferred = new Map<string, Set<string>>();

  /** A write of `providers` starts. */
  begin(providers: readonly string[]): WriteTicket {
    const ticket: WriteTicket = { sentAt: performance.now(), overlapped: false };
    for (const provider of providers) {
      const others = this.writing.get(provider) ?? new Set<WriteTicket>();
      for (const other of others) other.overlapped = ticket.overlapped = true;
      others.add(ticket);
      this.writing.set(provider, others);
    }
    return ticket;
  }

  /**
   * The write returned (`xids`: its transactions, none if it failed). Returns the providers of held
   * notifications that are now known to be someone else's change: they must be loaded.
   */
  end(ticket: WriteTicket, providers: readonly string[], xids: ReadonlyArray<string | null>): string[] {
    for (const provider of providers) {
      const others = this.writing.get(provider);
      others?.delete(ticket);
      if (others?.size === 0) this.writing.delete(provider);
    }
    for (const xid of xids) {
      // Its echo may have come in before the reply: then it waits in `deferred`, and is dropped here.
      if (xid && !this.deferred.delete(xid)) this.rememberOwn(xid, providers);
    }
    return this.releaseDeferred();
  }

  /**
   * The providers of a change notification to load now: our own write's echo is skipped for what
   * that write covered; a provider this process is writing right now waits for that write (see
   * end()). One transaction can send several payloads: they add up.
   */
  notified(xid: string, providers: readonly string[]): readonly string[] {
    const own = this.ownXids.get(xid);
    if (own) {
      // Our own write's echo: only what it did not cover (another statement of it) is loaded.
      this.ownXids.delete(xid);
      providers = providers.filter((provider) => !own.providers.has(provider));
    }
    const busy = providers.filter((provider) => this.writing.has(provider));
    if (busy.length === 0) return providers;
    const waiting = this.deferred.get(xid) ?? new Set<string>();
    for (const provider of busy) waiting.add(provider);
    this.deferred.set(xid, waiting);
    return providers.filter((provider) => !this.writing.has(provider));
  }

  /**
   * Notifications that arrived while this process had a write of the same providers in flight wait
   * until those writes return: each is either that write's own echo (dropped) or someone else's
   * change (loaded, which also makes the write reload rather than apply its possibly older rows).
   */
  private releaseDeferred(): string[] {
    const released: string[] = [];
    for (const [xid, providers] of this.deferred) {
      if ([...providers].some((provider) => this.writing.has(provider))) continue;
      this.deferred.delete(xid);
      released.push(...providers);
    }
    return released;
  }

  /** Remembers a write's transaction and the providers it covered, so exactly that echo is skipped. */
  private rememberOwn(xid: string, providers: readonly string[]): void {
    const now = Date.now();
    if (this.ownXids.size >= 1000) {
      for (const [old, own] of this.ownXids) if (now - own.at > OWN_XID_TTL_MS) this.ownXids.delete(old);
    }
    this.ownXids.set(xid, { at: now, providers: new Set(providers) });
  }
}
