import { Inject, Injectable } from '@nestjs/common';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog, ProbeKind } from '../catalog/catalog.types';
import { PROBE_KINDS } from '../catalog/catalog.types';
import { CredentialsService } from '../credentials/credentials.service';
import { CredentialDecryptError, UnknownKeyError } from '../key-ring/key-ring.errors';
import { InvalidBaseUrlError, validateBaseUrl } from '../egress/base-url.policy';
import { PROBE_EGRESS, ProbeEgress } from '../egress/probe-egress';
import { ProviderConfigRepository } from '../provider-settings/provider-config.repository';
import { effectiveCapabilities } from '../snapshot/build-snapshot';
import type { ModelType } from '../snapshot/registry-snapshot';
import { callDestination, callEndpoint, CallEndpoint } from './call-endpoint';

/** How to reach one provider for one call. `apiKey` is plaintext: it lives only as long as the call. */
export interface Connection {
  endpoint: CallEndpoint;
  apiKey: string | undefined;
  credentialId: string | undefined;
}

/** A candidate the plan offered that cannot be called right now; nothing was sent. */
export interface Unreachable {
  unreachable: string;
}

/**
 * Resolves a candidate to an endpoint and its decrypted credential, at call time (a key rotated or a
 * credential replaced a second ago is the one used). Catalog providers are resolved from the catalog
 * without a query; a provider added by hand names its API in its capabilities (`probe`, `baseUrl`),
 * as for the health probe. The destination follows the probes' rule (call-endpoint.ts) and the same
 * egress policy: the base URL is checked as text here and every connection's address by the dispatcher.
 */
@Injectable()
export class CallConnections {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly configs: ProviderConfigRepository,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(PROBE_EGRESS) private readonly egress: ProbeEgress,
  ) {}

  /** The egress-checked dispatcher every registry call goes through. */
  get dispatcher(): ProbeEgress['dispatcher'] {
    return this.egress.dispatcher;
  }

  async resolve(provider: string, modelType: ModelType): Promise<Connection | Unreachable> {
    const entry = this.catalog.providers.get(provider);
    let kind: ProbeKind | undefined = entry?.probe;
    let requiresApiKey = entry?.requiresApiKey ?? true;
    let columnBaseUrl: unknown;
    if (!entry) {
      const row = await this.configs.findBySlugWithCredentials(provider);
      const capabilities = row ? effectiveCapabilities(row) : {};
      kind = (PROBE_KINDS as readonly unknown[]).includes(capabilities.probe) ? capabilities.probe : undefined;
      requiresApiKey = capabilities.requiresApiKey ?? true;
      columnBaseUrl = capabilities.baseUrl;
    }
    if (!kind) return { unreachable: 'its API is unknown: not in the catalog, and its capabilities name no probe kind' };
    if (modelType === 'embedding' && kind === 'anthropic') return { unreachable: "Anthropic's API has no embeddings" };

    let credential;
    try {
      credential = await this.credentials.getActiveCredential(provider);
    } catch (error) {
      if (error instanceof CredentialDecryptError || error instanceof UnknownKeyError) return { unreachable: error.message };
      throw error;
    }
    if (requiresApiKey && !credential) return { unreachable: 'no usable credential (missing, inactive or expired)' };
    const destination = callDestination(credential?.baseUrl ?? null, entry?.baseUrl, columnBaseUrl, Boolean(credential?.apiKey));
    if (destination === null) return { unreachable: 'no base URL the key may be sent to: store the credential with a baseUrl' };
    let baseUrl: string;
    try {
      baseUrl = validateBaseUrl(destination, this.egress.policy);
    } catch (error) {
      if (error instanceof InvalidBaseUrlError) return { unreachable: error.message };
      throw error;
    }
    return {
      endpoint: callEndpoint(kind, baseUrl),
      apiKey: credential?.apiKey || undefined,
      credentialId: credential?.id,
    };
  }
}
