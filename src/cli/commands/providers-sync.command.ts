import { Command, Option } from 'nest-commander';
import { renderSyncDiff } from '../format/sync-diff';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:providers:sync',
  description: 'Sync the provider catalog (CATALOG_PATH) into the database, keeping operator overrides; prints the diff',
})
export class ProvidersSyncCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:providers:sync --dry-run';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_: string[], options: { dryRun?: boolean; prune?: boolean; json?: boolean }): Promise<void> {
    const result = await (
      await this.registry.get((registry) => registry.CatalogSyncService)
    ).sync({ dryRun: options.dryRun ?? false, prune: options.prune ?? false });
    if (options.json) return this.terminal.json(result);
    for (const line of renderSyncDiff(result)) this.terminal.print(line);
  }

  @Option({ flags: '--dry-run', description: 'show what would change, change nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--prune', description: 'disable (never delete) providers no longer in the catalog' })
  parsePrune(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
