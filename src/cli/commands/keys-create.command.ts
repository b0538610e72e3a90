import { Command, Option } from 'nest-commander';
import { CliUsageError } from '../cli-errors';
import { describeLimits, KeyLimitFlags, keyLimitsOf } from '../key-limit-options';
import { formatTime } from '../format/cells';
import { parseExpiry } from '../parse-expiry';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:keys:create',
  description: 'Create a consumer key for the gateway (/v1/*); it is printed once, as the last line of stdout, only its hash is kept',
})
export class KeysCreateCommand extends RegistryCommand {
  protected readonly example =
    'ai-registry ai:keys:create --name billing-svc --models openai/gpt-4o-mini --rpm 600 --tpm 200000 --max-parallel 20 --budget-usd 50 --budget-window month';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_: string[], options: { name?: string; models?: string; expires?: string; json?: boolean } & KeyLimitFlags): Promise<void> {
    if (options.name === undefined) throw new CliUsageError('missing --name <name>');
    const expiresAt = options.expires === undefined ? null : parseExpiry(options.expires);
    if (expiresAt !== null && expiresAt.getTime() <= Date.now()) throw new CliUsageError('--expires: must be in the future');
    const models = options.models === undefined ? null : options.models.split(',').map((entry) => entry.trim());
    const limits = keyLimitsOf(options, false);
    const { key, view } = await (
      await this.registry.get((registry) => registry.ConsumerKeysService)
    ).create({ name: options.name, models, expiresAt, limits });
    if (options.json) return this.terminal.json({ ...view, key });
    const scope = view.models === null ? 'every model' : view.models.join(', ');
    const expiry = view.expiresAt === null ? 'never expires' : `expires ${formatTime(view.expiresAt)}`;
    this.terminal.note(
      `Created consumer key ${view.name} (id ${view.id}) for ${scope}; ${expiry}; ${describeLimits(view)}. It is shown once: store it now.`,
    );
    this.terminal.print(key);
  }

  @Option({ flags: '--name <name>', description: 'a name for logs, usage and the audit trail (a-z, 0-9, _ . -)' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--models <list>', description: 'provider/model entries, comma-separated, it may call; default every model' })
  parseModels(value: string): string {
    return value;
  }

  @Option({ flags: '--expires <date>', description: 'when it stops working (ISO 8601); default never' })
  parseExpires(value: string): string {
    return value;
  }

  @Option({ flags: '--rpm <n>', description: 'requests per UTC minute, across every instance; default no limit' })
  parseRpm(value: string): string {
    return value;
  }

  @Option({ flags: '--tpm <n>', description: 'tokens (input and output) per UTC minute; default no limit' })
  parseTpm(value: string): string {
    return value;
  }

  @Option({ flags: '--max-parallel <n>', description: 'calls in flight at once, across every instance; default no limit' })
  parseMaxParallel(value: string): string {
    return value;
  }

  @Option({ flags: '--budget-usd <usd>', description: "spend limit in USD per window, at the catalog's prices; default none" })
  parseBudgetUsd(value: string): string {
    return value;
  }

  @Option({ flags: '--budget-window <day|month>', description: 'the UTC window of the budget; default month' })
  parseBudgetWindow(value: string): string {
    return value;
  }

  @Option({
    flags: '--budget-warn-at <share>',
    description: 'share of the budget at which a warning is logged, once per window; default 0.8',
  })
  parseBudgetWarnAt(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document, the key included (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
