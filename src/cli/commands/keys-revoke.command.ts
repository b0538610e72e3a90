import { Command } from 'nest-commander';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:keys:revoke',
  arguments: '<key>',
  description: 'Revoke a consumer key by name or id: refused by this process at once, by every instance within the notification latency',
  argsDescription: { key: "the key's name or id (from ai:keys:list), never its value" },
})
export class KeysRevokeCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:keys:revoke billing-svc';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run([nameOrId]: string[]): Promise<void> {
    const revoked = await (await this.registry.get((registry) => registry.ConsumerKeysService)).revoke(nameOrId);
    this.terminal.print(`Revoked consumer key ${revoked.name} (id ${revoked.id})`);
  }
}
