import { Command, Option } from 'nest-commander';
import { UsageService } from '../../providers/usage/usage.service';
import { formatTime } from '../format/cells';
import { ProviderNames } from '../provider-names';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({ name: 'ai:usage', description: 'Show recorded usage per provider and per credential (requests, tokens, last use)' })
export class UsageCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:usage --provider openai';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
    private readonly names: ProviderNames,
  ) {
    super();
  }

  async run(_: string[], options: { provider?: string; json?: boolean }): Promise<void> {
    if (options.provider !== undefined) await this.names.assertKnown(options.provider);
    const usage = await this.registry.get(UsageService);
    const only = <T extends { provider: string }>(rows: T[]) =>
      rows.filter((r) => options.provider === undefined || r.provider === options.provider);
    const providers = only(await usage.getUsage());
    const credentials = only(await usage.getCredentialUsage()).map(({ pending: _pending, ...row }) => row);
    if (options.json) return this.terminal.json({ providers: providers.map(({ pending: _pending, ...row }) => row), credentials });
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
  }

  @Option({ flags: '--provider <provider>', description: 'only this provider' })
  parseProvider(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
