import { Command, Option } from 'nest-commander';
import type { Catalog } from '../../registry';
import { DEFAULT_CREDENTIAL_TYPE } from '../default-credential-type';
import { CliFailure, CliUsageError } from '../cli-errors';
import { formatMs } from '../format/cells';
import { Prompts } from '../prompts';
import { ProviderNames } from '../provider-names';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { parseExpiry } from '../parse-expiry';
import { readAll } from '../read-stdin';
import { Terminal } from '../terminal';

interface SetOptions {
  type?: string;
  key?: string;
  keyStdin?: boolean;
  baseUrl?: string;
  expires?: string;
  inactive?: boolean;
  force?: boolean;
  test?: boolean;
  enable?: boolean;
}

@Command({
  name: 'ai:credentials:set',
  arguments: '[provider]',
  description: "Store (or replace) a provider's credential, encrypted; creates the provider's config from the catalog",
  argsDescription: { provider: 'provider slug (asked for in a terminal when left out)' },
})
export class CredentialsSetCommand extends RegistryCommand {
  protected readonly example = 'printf %s "$OPENAI_API_KEY" | ai-registry ai:credentials:set openai --key-stdin --test';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
    private readonly prompts: Prompts,
    private readonly names: ProviderNames,
  ) {
    super();
  }

  async run([given]: string[], options: SetOptions): Promise<void> {
    if (options.key !== undefined && options.keyStdin) throw new CliUsageError('pass the key with --key or --key-stdin, not both');
    if (options.key !== undefined) {
      this.terminal.warn('--key leaves the key in your shell history and the process list; prefer --key-stdin or the prompt');
    }
    const provider = given ?? (await this.askProvider());
    await this.names.assertKnown(provider);
    const catalog = await this.registry.get<Catalog>((registry) => registry.CATALOG);
    const credentials = await this.registry.get((registry) => registry.CredentialsService);
    const credentialType = options.type ?? DEFAULT_CREDENTIAL_TYPE;
    const existing = (await credentials.list({ provider })).find((c) => c.credentialType === credentialType);
    if (existing && !options.force) await this.confirmReplace(provider, credentialType, existing.masked);

    const requiresApiKey = catalog.providers.get(provider)?.requiresApiKey ?? true;
    const apiKey = await this.key(options, provider, requiresApiKey);
    const stored = await credentials.store(provider, {
      credentialType,
      apiKey,
      baseUrl: options.baseUrl,
      expiresAt: options.expires === undefined ? undefined : parseExpiry(options.expires),
      isActive: !options.inactive,
    });
    const configs = await this.registry.get((registry) => registry.ProviderConfigService);
    if (options.enable) await configs.enable(provider);
    const config = await configs.get(provider);
    this.terminal.print(
      `${existing ? 'Replaced' : 'Stored'} ${credentialType} credential ${stored.id} for ${provider}: ${stored.masked ?? '(not readable)'}, ` +
        `${stored.status}${stored.expiresAt ? `, expires ${stored.expiresAt.toISOString()}` : ''}`,
    );
    if (!config.enabled) this.terminal.note(`${provider} is disabled: ai-registry ai:providers:enable ${provider} (or --enable) to use it`);
    if (options.test) await this.test(provider);
  }

  private async askProvider(): Promise<string> {
    if (!this.terminal.interactive) {
      const known = await this.names.known();
      throw new CliUsageError(`missing provider: pass it as the first argument (known providers: ${known.join(', ')})`);
    }
    return this.prompts.choose('Provider', await this.names.catalogEntries());
  }

  private async confirmReplace(provider: string, credentialType: string, masked: string | null): Promise<void> {
    const what = `${provider} already has an ${credentialType} credential (${masked ?? 'not readable'})`;
    if (!this.terminal.interactive) throw new CliUsageError(`${what}: pass --force to replace it`);
    if (!(await this.prompts.confirm(`${what}. Replace it?`))) throw new CliFailure('nothing changed: the stored credential was kept');
  }

  private async key(options: SetOptions, provider: string, requiresApiKey: boolean): Promise<string | undefined> {
    if (options.keyStdin) {
      const key = (await readAll(this.terminal.streams.stdin)).trim();
      if (key === '') throw new CliUsageError('--key-stdin: nothing was read from stdin');
      return key;
    }
    if (options.key !== undefined) return options.key;
    if (!requiresApiKey) return undefined;
    if (!this.terminal.interactive) {
      throw new CliUsageError(
        `missing key for ${provider}: pipe it in with --key-stdin (or pass --key, which shells keep in their history)`,
      );
    }
    return this.prompts.secret(`API key for ${provider}`);
  }

  private async test(provider: string): Promise<void> {
    const result = await (await this.registry.get((registry) => registry.HealthService)).check(provider);
    const line = `Test: ${result.status}${result.latencyMs === null ? '' : ` in ${formatMs(result.latencyMs)}`}${result.reason ? ` (${result.reason})` : ''}`;
    this.terminal.print(line);
    if (result.status !== 'healthy' && result.status !== 'degraded') {
      throw new CliFailure(`the credential is stored, but the test of ${provider} did not pass`);
    }
  }

  @Option({ flags: '--type <type>', description: `credential type (default ${DEFAULT_CREDENTIAL_TYPE})` })
  parseType(value: string): string {
    return value;
  }

  @Option({ flags: '--key <key>', description: 'the key itself (kept by shell history: prefer --key-stdin or the prompt)' })
  parseKey(value: string): string {
    return value;
  }

  @Option({ flags: '--key-stdin', description: 'read the key from stdin (for scripts)' })
  parseKeyStdin(): boolean {
    return true;
  }

  @Option({ flags: '--base-url <url>', description: "the provider's endpoint, when not the catalog's (self-hosted, proxies)" })
  parseBaseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--expires <date>', description: 'when the key stops being valid (ISO 8601)' })
  parseExpires(value: string): string {
    return value;
  }

  @Option({ flags: '--inactive', description: 'store it switched off' })
  parseInactive(): boolean {
    return true;
  }

  @Option({ flags: '--force', description: 'replace an existing credential without asking' })
  parseForce(): boolean {
    return true;
  }

  @Option({ flags: '--enable', description: 'also enable the provider' })
  parseEnable(): boolean {
    return true;
  }

  @Option({ flags: '--test', description: "probe the provider's API with it after storing, and print the result" })
  parseTest(): boolean {
    return true;
  }
}
