import { Command, Option } from 'nest-commander';
import { formatTime } from '../format/cells';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({ name: 'ai:keys:list', description: 'List consumer keys (never the keys): prefix, models, expiry, revoked, created' })
export class KeysListCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:keys:list';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_: string[], options: { json?: boolean }): Promise<void> {
    const keys = await (await this.registry.get((registry) => registry.ConsumerKeysService)).list();
    if (options.json) return this.terminal.json(keys);
    if (keys.length === 0) return this.terminal.print('No consumer keys. Create one: ai-registry ai:keys:create --name <name>');
    this.terminal.table(
      ['id', 'name', 'prefix', 'models', 'expires', 'revoked', 'created'],
      keys.map((k) => [
        k.id,
        k.name,
        `${k.prefix}…`,
        k.models === null ? 'all' : k.models.join(', '),
        formatTime(k.expiresAt),
        formatTime(k.revokedAt),
        formatTime(k.createdAt),
      ]),
    );
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
