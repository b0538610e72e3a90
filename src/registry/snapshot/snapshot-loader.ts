import { performance } from 'node:perf_hooks';
import type { Logger } from '@nestjs/common';
import type { Catalog } from '../catalog/catalog.types';
import type { ProviderConfig } from '../entities/provider-config.entity';
import type { SnapshotRepository } from './snapshot.repository';
import { DecryptCheck, toProviderState } from './build-snapshot';
import type { ProviderState } from './registry-snapshot';

/** Rows per query of a full resync: keeps each step (and the event-loop time it costs) short. */
const RESYNC_PAGE = 500;

/**
 * Reads what the snapshot holds from the database and turns rows into provider states, noting when
 * each load started: a write sent before a load began may not be in what the load read.
 */
export class SnapshotLoader {
  private readonly loadStartedAt = new Map<string, number>();
  private fullLoadStartedAt = -Infinity;

  constructor(
    private readonly configs: SnapshotRepository,
    private readonly catalog: Catalog,
    private readonly decryptable: DecryptCheck,
    private readonly logger: Logger,
    /** Whether the stored circuits (passive health) apply; without them every provider's is closed. */
    private readonly circuits: boolean,
  ) {}

  /** When the last load that read `provider` began (performance.now()), full loads included. */
  loadedSince(provider: string): number {
    return Math.max(this.loadStartedAt.get(provider) ?? -Infinity, this.fullLoadStartedAt);
  }

  /** The named providers as the database has them now, and those it no longer has. */
  async readSome(providers: string[]): Promise<{ states: ProviderState[]; gone: string[] }> {
    const startedAt = performance.now();
    if (this.loadStartedAt.size > 10_000) this.loadStartedAt.clear(); // only comparisons with in-flight writes matter
    for (const provider of providers) this.loadStartedAt.set(provider, startedAt);
    const rows = await this.configs.findSnapshotRows(providers);
    const states = this.statesOf(rows, Date.now());
    const found = new Set(states.map((state) => state.provider));
    return { states, gone: providers.filter((provider) => !found.has(provider)) };
  }

  /** Every provider, a page at a time. */
  async readAll(): Promise<ProviderState[]> {
    this.fullLoadStartedAt = performance.now();
    const states: ProviderState[] = [];
    let after: string | null = null;
    for (;;) {
      const rows = await this.configs.findSnapshotPage(after, RESYNC_PAGE);
      states.push(...this.statesOf(rows, Date.now()));
      if (rows.length < RESYNC_PAGE) break;
      after = rows[rows.length - 1].provider;
    }
    return states;
  }

  /** One row the code cannot read (hand-written junk) is left out with a warning, never the whole load. */
  statesOf(rows: ProviderConfig[], now: number): ProviderState[] {
    return rows.flatMap((row) => {
      try {
        return [toProviderState(row, this.catalog, this.decryptable, now, this.circuits)];
      } catch (error) {
        this.logger.warn(
          `Provider ${JSON.stringify(row.provider)} left out of the snapshot: its row cannot be read (${(error as Error).message})`,
        );
        return [];
      }
    });
  }
}
