import { Command, Option } from 'nest-commander';
import { formatMs, formatTime, healthCell, yesNo } from '../format/cells';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({ name: 'ai:providers:list', description: 'List providers: enabled, health, availability and why, priority, usage' })
export class ProvidersListCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:providers:list --json';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_: string[], options: { json?: boolean }): Promise<void> {
    const providers = await (await this.registry.get((registry) => registry.ProviderConfigService)).list();
    const availability = await this.registry.get((registry) => registry.AvailabilityService);
    const rows = providers.map((p) => ({
      provider: p.provider,
      displayName: p.displayName,
      enabled: p.enabled,
      priority: p.priority,
      inCatalog: p.inCatalog,
      health: p.health,
      availability: availability.isProviderAvailable(p.provider),
      credentialTypes: p.credentialTypes,
      usageCount: p.usageCount,
      lastUsedAt: p.lastUsedAt,
    }));
    if (options.json) return this.terminal.json(rows);
    const { colors } = this.terminal;
    this.terminal.table(
      ['provider', 'name', 'enabled', 'health', 'last check', 'available', 'priority', 'credential', 'requests'],
      rows.map((r) => [
        r.inCatalog ? r.provider : `${r.provider} (not in catalog)`,
        r.displayName,
        yesNo(r.enabled),
        `${healthCell(r.health.status, colors)}${r.health.latencyMs === null ? '' : ` ${formatMs(r.health.latencyMs)}`}`,
        formatTime(r.health.lastCheck),
        r.availability.available ? colors.green('yes') : `no: ${r.availability.reason}`,
        r.priority,
        r.credentialTypes.join(', ') || '-',
        r.usageCount,
      ]),
    );
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
