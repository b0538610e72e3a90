import { Command, Option } from 'nest-commander';
import { formatTime } from '../format/cells';
import { ProviderNames } from '../provider-names';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

/** A grouping's value in the table: '-' for none (a record that named no model, credential or consumer key). */
function shown(group: string, value: string | null | undefined): string {
  return value === undefined || value === null || value === '' || (group === 'credentialId' && value === '0') ? '-' : value;
}

@Command({
  name: 'ai:usage',
  description:
    'Show recorded usage per provider and credential, and spend (USD from catalog prices) grouped by provider, model, credential, consumer key or day',
})
export class UsageCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:usage --group-by provider,model --from 2026-12-01';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
    private readonly names: ProviderNames,
  ) {
    super();
  }

  async run(_: string[], options: { provider?: string; json?: boolean; groupBy?: string; from?: string; to?: string }): Promise<void> {
    if (options.provider !== undefined) await this.names.assertKnown(options.provider);
    const usage = await this.registry.get((registry) => registry.UsageService);
    const spend = await usage.spend({
      groupBy: options.groupBy?.split(',').map((g) => g.trim()),
      from: options.from,
      to: options.to,
      provider: options.provider,
    });
    const only = <T extends { provider: string }>(rows: T[]) =>
      rows.filter((r) => options.provider === undefined || r.provider === options.provider);
    const providers = only(await usage.getUsage());
    const credentials = only(await usage.getCredentialUsage()).map(({ pending: _pending, ...row }) => row);
    if (options.json) return this.terminal.json({ providers: providers.map(({ pending: _pending, ...row }) => row), credentials, spend });
    this.terminal.table(
      ['provider', 'requests', 'last used'],
      providers.map((p) => [p.provider, p.usageCount, formatTime(p.lastUsedAt)]),
    );
    if (credentials.length > 0) {
      this.terminal.table(
        ['credential', 'provider', 'type', 'requests', 'input tokens', 'output tokens', 'last used'],
        credentials.map((c) => [c.id, c.provider, c.credentialType, c.usageCount, c.inputTokens, c.outputTokens, formatTime(c.lastUsedAt)]),
      );
    }
    const { SPEND_ROW_KEYS } = this.registry.load();
    const groups = spend.groupBy.map((g) => SPEND_ROW_KEYS[g]);
    this.terminal.print(`Spend ${spend.from} to ${spend.to}: ${spend.totalUsd} USD`);
    if (spend.rows.length > 0) {
      this.terminal.table(
        [...spend.groupBy, 'requests', 'input tokens', 'output tokens', 'USD'],
        spend.rows.map((r) => [...groups.map((g) => shown(g, r[g])), r.requests, r.inputTokens, r.outputTokens, r.costUsd]),
      );
    }
  }

  @Option({ flags: '--provider <provider>', description: 'only this provider' })
  parseProvider(value: string): string {
    return value;
  }

  @Option({ flags: '--group-by <groups>', description: 'spend grouped by some of provider,model,credential,key,day (default provider)' })
  parseGroupBy(value: string): string {
    return value;
  }

  @Option({ flags: '--from <day>', description: 'first UTC day of the spend, YYYY-MM-DD (default the first of this month)' })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--to <day>', description: 'last UTC day of the spend, YYYY-MM-DD (default today)' })
  parseTo(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
