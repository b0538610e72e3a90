import { Command, Option } from 'nest-commander';
import { DEFAULT_CREDENTIAL_TYPE } from '../default-credential-type';
import { CliFailure, CliUsageError } from '../cli-errors';
import { Prompts } from '../prompts';
import { ProviderNames } from '../provider-names';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:credentials:remove',
  arguments: '<provider>',
  description: "Delete a provider's credential (asks first unless --yes)",
  argsDescription: { provider: 'provider slug' },
})
export class CredentialsRemoveCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:credentials:remove openai --yes';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
    private readonly prompts: Prompts,
    private readonly names: ProviderNames,
  ) {
    super();
  }

  async run([provider]: string[], options: { type?: string; yes?: boolean }): Promise<void> {
    await this.names.assertKnown(provider);
    const credentialType = options.type ?? DEFAULT_CREDENTIAL_TYPE;
    const credentials = await this.registry.get((registry) => registry.CredentialsService);
    const existing = (await credentials.list({ provider })).find((c) => c.credentialType === credentialType);
    if (!existing) throw new CliFailure(`${provider} has no ${credentialType} credential`);
    if (!options.yes) {
      const what = `Remove ${provider}'s ${credentialType} credential (${existing.masked ?? 'not readable'})?`;
      if (!this.terminal.interactive) throw new CliUsageError(`${what} Pass --yes to confirm (no terminal to ask in)`);
      if (!(await this.prompts.confirm(what))) throw new CliFailure('nothing changed: the credential was kept');
    }
    await credentials.remove(provider, credentialType);
    this.terminal.print(`Removed ${provider}'s ${credentialType} credential ${existing.id}`);
  }

  @Option({ flags: '--type <type>', description: `credential type (default ${DEFAULT_CREDENTIAL_TYPE})` })
  parseType(value: string): string {
    return value;
  }

  @Option({ flags: '--yes', description: 'do not ask' })
  parseYes(): boolean {
    return true;
  }
}
