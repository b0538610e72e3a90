import { Injectable } from '@nestjs/common';
import { Command } from 'nest-commander';
import { ProviderNames } from '../provider-names';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

/** enable and disable: the operator's switch, which no health result ever changes. */
@Injectable()
abstract class ProviderToggleCommand extends RegistryCommand {
  protected abstract readonly enabled: boolean;

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
    private readonly names: ProviderNames,
  ) {
    super();
  }

  async run([provider]: string[]): Promise<void> {
    await this.names.assertKnown(provider);
    const configs = await this.registry.get((registry) => registry.ProviderConfigService);
    await (this.enabled ? configs.enable(provider) : configs.disable(provider));
    this.terminal.print(`${provider} ${this.enabled ? 'enabled' : 'disabled'}`);
  }
}

@Command({
  name: 'ai:providers:enable',
  arguments: '<provider>',
  description: 'Enable a provider (operator intent; selection uses it when it is also available)',
})
export class ProvidersEnableCommand extends ProviderToggleCommand {
  protected readonly enabled = true;
  protected readonly example = 'ai-registry ai:providers:enable anthropic';
}

@Command({
  name: 'ai:providers:disable',
  arguments: '<provider>',
  description: 'Disable a provider: every instance stops selecting it at once',
})
export class ProvidersDisableCommand extends ProviderToggleCommand {
  protected readonly enabled = false;
  protected readonly example = 'ai-registry ai:providers:disable openrouter';
}
