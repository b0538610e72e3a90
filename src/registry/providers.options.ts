import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { Coordination } from './kernel/coordination';
import type { Catalog } from './catalog/catalog.types';
import type { KeyRing, KeyRingSpec } from './key-ring/key-ring';
import type { EgressOptions } from './egress/egress-policy';
import type { RegistrySettings } from './kernel/registry-settings';
import type { TracingOptions } from './tracing/tracing-options';

export interface ProvidersModuleOptions extends Partial<RegistrySettings> {
  /** The catalog: a YAML file's path, or a catalog already loaded (loadCatalog / parseCatalog). */
  catalog: string | Catalog;
  /** The key ring that encrypts credentials: a KeyRing, or `{ keys: 'id:base64,…' }` / `{ key: 'base64' }`. */
  keyRing: KeyRing | KeyRingSpec;
  /**
   * Locks across instances and change notifications. Default: PostgreSQL advisory locks and LISTEN
   * on connections of their own, to `directUrl` or else to the data source's own connection settings.
   */
  coordination?: Coordination;
  /** A direct (unpooled) PostgreSQL URL for LISTEN and advisory locks, when the data source goes through a pooler. */
  directUrl?: string;
  /**
   * Where health probes (which send API keys) may connect, checked on every resolved address. Built in:
   * link-local and cloud metadata addresses are refused; loopback and private ranges are allowed
   * (self-hosted Ollama). `blockedRanges` adds ranges, `allowedRanges` makes exceptions.
   */
  egress?: EgressOptions;
  /**
   * Where the registry's Prometheus metrics are recorded (health, probes, sweeps, selections, usage,
   * snapshot, listener): the host's /metrics exposes them. Default: prom-client's global registry.
   */
  metricsRegistry?: Registry;
  /**
   * OpenTelemetry spans of gateway calls (GenAI semantic conventions), exported over OTLP/HTTP.
   * Default: off, and the OpenTelemetry SDK is not even loaded.
   */
  tracing?: TracingOptions;
}

export interface ProvidersModuleAsyncOptions {
  /** Name of the TypeORM data source to use (TypeOrmModule.forRoot({ name })); the default one when absent. */
  dataSource?: string;
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  // Nest calls it with whatever `inject` resolves to, so its parameters cannot be typed here (as in TypeOrmModule's own).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...args: any[]) => ProvidersModuleOptions | Promise<ProvidersModuleOptions>;
}

export type ProvidersModuleSyncOptions = ProvidersModuleOptions & { dataSource?: string };

/** The host's options as given to forRoot(); the rest of the module's tokens are in kernel/registry-tokens.ts. */
export const PROVIDERS_OPTIONS = Symbol('ProvidersModuleOptions');
