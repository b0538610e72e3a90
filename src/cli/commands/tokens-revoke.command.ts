import { Command } from 'nest-commander';
import { quoteInput } from '../../common/json-guard/text-rules';
import { CliFailure } from '../cli-errors';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:tokens:revoke',
  arguments: '<token>',
  description: 'Revoke an API token by name or id: refused by every instance within API_TOKEN_CACHE_MS (5 s by default)',
  argsDescription: { token: "the token's name or id (from ai:tokens:list), never its value" },
})
export class TokensRevokeCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:tokens:revoke ci';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run([nameOrId]: string[]): Promise<void> {
    if (!(await (await this.registry.get((registry) => registry.ApiTokensService)).revoke(nameOrId))) {
      throw new CliFailure(`no live token named or numbered ${quoteInput(nameOrId)} (see ai-registry ai:tokens:list)`);
    }
    this.terminal.print(`Revoked token ${nameOrId}`);
  }
}
