import { Command, Option } from 'nest-commander';
import type { HealthCheckResult } from '../../registry';
import { CliFailure } from '../cli-errors';
import { formatMs, healthCell } from '../format/cells';
import { healthExitCode } from '../format/health-exit';
import { ProviderNames } from '../provider-names';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:health',
  arguments: '[provider]',
  description: 'Probe providers now and record their health; exit 0 only when every provider checked is healthy',
  argsDescription: { provider: 'probe only this provider (default: every enabled one)' },
})
export class HealthCommand extends RegistryCommand {
  protected readonly example = 'ai-registry ai:health || echo "a provider is not healthy"';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
    private readonly names: ProviderNames,
  ) {
    super();
  }

  async run([provider]: string[], options: { json?: boolean }): Promise<void> {
    if (provider !== undefined) await this.names.assertKnown(provider);
    const health = await this.registry.get((registry) => registry.HealthService);
    let results: HealthCheckResult[];
    let errors: Array<{ provider: string; error: string }> = [];
    if (provider !== undefined) results = [await health.check(provider)];
    else {
      let progress: ReturnType<Terminal['progress']> | undefined;
      const sweep = await health
        .checkAll(undefined, (checked, total) => {
          progress ??= this.terminal.progress(total, 'Probing');
          progress.tick(checked);
        })
        .finally(() => progress?.stop());
      results = sweep.results;
      errors = sweep.errors;
    }
    const code = healthExitCode(results, errors.length);
    if (options.json) this.terminal.json({ healthy: code === 0, results, errors });
    else this.show(results, errors);
    if (code !== 0) {
      const failing = results.filter((r) => r.probed && r.status !== 'healthy').map((r) => `${r.provider} ${r.status}`);
      throw new CliFailure(`not every provider is healthy: ${[...failing, ...errors.map((e) => `${e.provider} not checked`)].join(', ')}`);
    }
  }

  private show(results: HealthCheckResult[], errors: Array<{ provider: string; error: string }>): void {
    if (results.length === 0 && errors.length === 0) return this.terminal.print('No enabled provider to check.');
    const { colors } = this.terminal;
    this.terminal.table(
      ['provider', 'status', 'latency', 'reason', 'drift'],
      [
        ...results.map((r) => [
          r.provider,
          r.probed ? healthCell(r.status, colors) : colors.dim('not checked'),
          formatMs(r.latencyMs),
          r.reason ?? '',
          r.missingModels.length > 0 ? `no longer listed: ${r.missingModels.join(', ')}` : '',
        ]),
        // Not the provider's failure: the registry could not check or record it (the reason says why).
        ...errors.map((e) => [e.provider, colors.red('not checked'), '-', e.error, '']),
      ],
    );
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
