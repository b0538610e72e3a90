import { Injectable } from '@nestjs/common';
import type { Catalog } from '../registry';
import { quoteInput } from '../common/json-guard/text-rules';
import { CliFailure } from './cli-errors';
import { RegistryContext } from './registry-context';

/** The providers a command may name: the catalog's and any the database holds outside it. */
@Injectable()
export class ProviderNames {
  constructor(private readonly registry: RegistryContext) {}

  async catalogEntries(): Promise<Array<{ value: string; name: string }>> {
    const catalog = await this.registry.get<Catalog>((registry) => registry.CATALOG);
    return [...catalog.providers.values()].map((entry) => ({ value: entry.slug, name: `${entry.displayName} (${entry.slug})` }));
  }

  async known(): Promise<string[]> {
    return (await this.registry.get((registry) => registry.ProviderConfigService)).knownProviders();
  }

  /** Fails with the list of known providers when `provider` is not one of them. */
  async assertKnown(provider: string): Promise<void> {
    const known = await this.known();
    if (!known.includes(provider)) throw new CliFailure(`unknown provider ${quoteInput(provider)}; known providers: ${known.join(', ')}`);
  }
}
