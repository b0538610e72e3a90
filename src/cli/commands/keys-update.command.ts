import { Command, Option } from 'nest-commander';
import { CliUsageError } from '../cli-errors';
import { describeLimits, KEY_LIMIT_FLAG_NAMES, KeyLimitFlags, keyLimitsOf } from '../key-limit-options';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:keys:update',
  arguments: '<key>',
  description:
    "Change a consumer key's limits (none removes one): in force on this process at once, on every instance within the notification latency",
  argsDescription: { key: "the key's name or id (from ai:keys:list), never its value" },
})
export class KeysUpdateCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:keys:update billing-svc --rpm 1200 --budget-usd 100 --max-parallel none';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run([nameOrId]: string[], options: KeyLimitFlags & { json?: boolean }): Promise<void> {
    const limits = keyLimitsOf(options, true);
    if (Object.keys(limits).length === 0)
      throw new CliUsageError(`nothing to change: give at least one of ${Object.values(KEY_LIMIT_FLAG_NAMES).join(', ')}`);
    const view = await (await this.registry.get((registry) => registry.ConsumerKeysService)).updateLimits(nameOrId, limits);
    if (options.json) return this.terminal.json(view);
    this.terminal.print(`Updated consumer key ${view.name} (id ${view.id}): ${describeLimits(view)}`);
  }

  @Option({ flags: '--rpm <n|none>', description: 'requests per UTC minute' })
  parseRpm(value: string): string {
    return value;
  }

  @Option({ flags: '--tpm <n|none>', description: 'tokens (input and output) per UTC minute' })
  parseTpm(value: string): string {
    return value;
  }

  @Option({ flags: '--max-parallel <n|none>', description: 'calls in flight at once' })
  parseMaxParallel(value: string): string {
    return value;
  }

  @Option({ flags: '--budget-usd <usd|none>', description: 'spend limit in USD per window (none removes the budget)' })
  parseBudgetUsd(value: string): string {
    return value;
  }

  @Option({ flags: '--budget-window <day|month>', description: 'the UTC window of the budget' })
  parseBudgetWindow(value: string): string {
    return value;
  }

  @Option({ flags: '--budget-warn-at <share|none>', description: 'share of the budget at which a warning is logged' })
  parseBudgetWarnAt(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print the key as one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
