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
import type { ModelType, ProviderState } from '../snapshot/registry-snapshot';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { callDestination, callEndpoint, CallEndpoint } from './call-endpoint';

/** How to reach one provider for one call. `apiKey` is plaintext: it lives only as long as the call. */
export interface Connection {
  endpoint: CallEndpoint;
  apiKey: string | undefined;
  credentialId: string | undefined;
}

/** A resolved connection and when its credential stops being valid. */
interface Resolved {
  connection: Connection | Unreachable;
  kind: ProbeKind | undefined;
  expiresAt: number;
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
 *
 * Resolved once per provider state, not per call: the query and the decryption are kept for as long as
 * the snapshot holds the same ProviderState object. Every committed change to the provider's row or
 * credential (a stored, replaced, rotated or removed key, on any instance) reaches the snapshot through
 * the change notifications as a new state object, so the next call resolves afresh; the plaintext lives
 * only in this map, never in the snapshot the rest of the registry reads.
 */
@Injectable()
export class CallConnections {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly configs: ProviderConfigRepository,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(PROBE_EGRESS) private readonly egress: ProbeEgress,
    private readonly state: RegistryStateService,
  ) {}

  /** Keyed by the snapshot's state object; a promise, so concurrent first calls share one query. */
  private readonly resolved = new WeakMap<ProviderState, Promise<Resolved>>();

  /** The egress-checked dispatcher every registry call goes through. */
  get dispatcher(): ProbeEgress['dispatcher'] {
    return this.egress.dispatcher;
  }

  async resolve(provider: string, modelType: ModelType): Promise<Connection | Unreachable> {
    const state = this.state.current().providers.get(provider);
    let pending = state && this.resolved.get(state);
    if (!pending) {
      pending = this.resolveNow(provider);
      if (state) {
        const kept = pending;
        this.resolved.set(state, kept);
        // A failure (the database unreachable) is not kept: the next call tries again.
        kept.catch(() => this.resolved.get(state) === kept && this.resolved.delete(state));
      }
    }
    const { connection, kind, expiresAt } = await pending;
    if (modelType === 'embedding' && kind === 'anthropic') return { unreachable: "Anthropic's API has no embeddings" };
    if (expiresAt <= Date.now()) return { unreachable: 'no usable credential (missing, inactive or expired)' };
    return connection;
  }

  private async resolveNow(provider: string): Promise<Resolved> {
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
    const never = (connection: Connection | Unreachable): Resolved => ({ connection, kind, expiresAt: Infinity });
    if (!kind) return never({ unreachable: 'its API is unknown: not in the catalog, and its capabilities name no probe kind' });

    let credential;
    try {
      credential = await this.credentials.getActiveCredential(provider);
    } catch (error) {
      if (error instanceof CredentialDecryptError || error instanceof UnknownKeyError) return never({ unreachable: error.message });
      throw error;
    }
    if (requiresApiKey && !credential) return never({ unreachable: 'no usable credential (missing, inactive or expired)' });
    const destination = callDestination(credential?.baseUrl ?? null, entry?.baseUrl, columnBaseUrl, Boolean(credential?.apiKey));
    if (destination === null) return never({ unreachable: 'no base URL the key may be sent to: store the credential with a baseUrl' });
    let baseUrl: string;
    try {
      baseUrl = validateBaseUrl(destination, this.egress.policy);
    } catch (error) {
      if (error instanceof InvalidBaseUrlError) return never({ unreachable: error.message });
      throw error;
    }
    return {
      connection: { endpoint: callEndpoint(kind, baseUrl), apiKey: credential?.apiKey || undefined, credentialId: credential?.id },
      kind,
      expiresAt: credential?.expiresAt?.getTime() ?? Infinity,
    };
  }
}
