import { Command, Option } from 'nest-commander';
import { formatTime, healthCell, yesNo } from '../format/cells';
import { ProviderNames } from '../provider-names';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({ name: 'ai:credentials:list', description: 'List stored credentials, masked, with their provider, health and usage' })
export class CredentialsListCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:credentials:list --provider openai --json';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
    private readonly names: ProviderNames,
  ) {
    super();
  }

  async run(_: string[], options: { provider?: string; json?: boolean }): Promise<void> {
    if (options.provider !== undefined) await this.names.assertKnown(options.provider);
    const credentials = await (await this.registry.get((registry) => registry.CredentialsService)).list({ provider: options.provider });
    // Health from the in-memory snapshot (no 24-hour aggregate needed for a status); usage is on the credential rows already.
    const snapshot = (await this.registry.get((registry) => registry.RegistryStateService)).current();
    const { combinedHealth } = this.registry.load();
    const now = new Date();
    const healthOf = (provider: string) => {
      const state = snapshot.providers.get(provider);
      return state ? combinedHealth({ status: state.health, reason: null }, state.circuit, now).status : 'unknown';
    };
    const rows = credentials.map((c) => ({
      id: c.id,
      provider: c.provider,
      credentialType: c.credentialType,
      masked: c.masked,
      status: c.status,
      active: c.isActive,
      providerEnabled: c.providerEnabled,
      health: healthOf(c.provider),
      expiresAt: c.expiresAt,
      lastUsedAt: c.lastUsedAt,
      usageCount: String(c.usageCount),
      inputTokens: String(c.inputTokens),
      outputTokens: String(c.outputTokens),
      baseUrl: c.baseUrl,
      ...(c.decryptError ? { decryptError: c.decryptError } : {}),
    }));
    if (options.json) return this.terminal.json(rows);
    if (rows.length === 0) return this.terminal.print('No credentials stored. Add one: ai-registry ai:credentials:set <provider>');
    const { colors } = this.terminal;
    this.terminal.table(
      ['provider', 'type', 'active', 'provider enabled', 'health', 'expires', 'last used', 'requests', 'tokens in/out', 'key'],
      rows.map((r) => [
        r.provider,
        r.credentialType,
        r.status === 'active' ? yesNo(r.active) : `${yesNo(r.active)} (${r.status})`,
        yesNo(r.providerEnabled),
        healthCell(r.health, colors),
        formatTime(r.expiresAt),
        formatTime(r.lastUsedAt),
        r.usageCount,
        `${r.inputTokens}/${r.outputTokens}`,
        r.masked ?? colors.red('not readable with this key ring'),
      ]),
    );
  }

  @Option({ flags: '--provider <provider>', description: "only this provider's credentials" })
  parseProvider(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
