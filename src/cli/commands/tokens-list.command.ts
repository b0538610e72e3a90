import { Command, Option } from 'nest-commander';
import { formatTime } from '../format/cells';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({ name: 'ai:tokens:list', description: 'List API tokens (never their values): role, created, last used, expiry, revoked' })
export class TokensListCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:tokens:list';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_: string[], options: { json?: boolean }): Promise<void> {
    const tokens = await (await this.registry.get((registry) => registry.ApiTokensService)).list();
    if (options.json) return this.terminal.json(tokens);
    if (tokens.length === 0)
      return this.terminal.print('No API tokens. Create one: ai-registry ai:tokens:create --name <name> --role admin');
    this.terminal.table(
      ['id', 'name', 'role', 'created', 'last used', 'expires', 'revoked'],
      tokens.map((t) => [
        t.id,
        t.name,
        t.role,
        formatTime(t.createdAt),
        formatTime(t.lastUsedAt),
        formatTime(t.expiresAt),
        formatTime(t.revokedAt),
      ]),
    );
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
