import { Command, Option } from 'nest-commander';
import type { ApiTokenRole } from '../../server/auth/api-token.entity';
import { CliUsageError } from '../cli-errors';
import { parseExpiry } from '../parse-expiry';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({ name: 'ai:tokens:create', description: 'Create an API token for the REST API; it is printed once, only its hash is kept' })
export class TokensCreateCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:tokens:create --name ci --role viewer --expires 2027-06-30';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_: string[], options: { name?: string; role?: ApiTokenRole; expires?: string; json?: boolean }): Promise<void> {
    if (options.name === undefined) throw new CliUsageError('missing --name <name>');
    if (options.role === undefined) throw new CliUsageError('missing --role viewer|admin');
    const expiresAt = options.expires === undefined ? null : parseExpiry(options.expires);
    if (expiresAt !== null && expiresAt.getTime() <= Date.now()) throw new CliUsageError('--expires: must be in the future');
    const { token, record } = await (
      await this.registry.get((registry) => registry.ApiTokensService)
    ).create(options.name, options.role, expiresAt);
    if (options.json)
      return this.terminal.json({ id: record.id, name: record.name, role: record.role, expiresAt: record.expiresAt, token });
    this.terminal.note(`Created ${record.role} token ${record.name} (id ${record.id}). It is shown once: store it now.`);
    this.terminal.print(token);
  }

  @Option({ flags: '--name <name>', description: 'a name for the audit trail and logs (a-z, 0-9, _ . -)' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--role <role>', description: 'viewer (reads) or admin (reads and writes)' })
  parseRole(value: string): string {
    return value;
  }

  @Option({ flags: '--expires <date>', description: 'when it stops working (ISO 8601); default never' })
  parseExpires(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
