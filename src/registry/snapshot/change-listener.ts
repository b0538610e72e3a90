import { CHANGE_CHANNEL, Coordination } from '../kernel/coordination';
import { parseChangeNotification } from './change-notification';
import type { WriteTracker } from './write-tracker';

/** What a change notification asks for: the named providers loaded again, or everything. */
export type ReloadRequest = (providers: readonly string[] | 'all') => void;

/**
 * The database's change notifications, turned into reloads: the providers a notification names,
 * less this process's own writes' echoes and what it is writing right now (see WriteTracker);
 * everything on a payload it cannot read, or after the listener reconnected (notifications lost).
 */
export class ChangeListener {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly coordination: Coordination,
    private readonly writes: WriteTracker,
    private readonly reload: ReloadRequest,
    /** Coordination's signal that its listener came back: a full reload follows. */
    private readonly onReconnect: () => void,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.coordination.subscribe(CHANGE_CHANNEL, (payload) => this.onNotification(payload));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private onNotification(payload: string): void {
    if (payload === '') this.onReconnect();
    const change = parseChangeNotification(payload);
    if (change.kind === 'all') return this.reload('all');
    const providers = change.xid === null ? change.providers : this.writes.notified(change.xid, change.providers);
    if (providers.length > 0) this.reload(providers);
  }
}
