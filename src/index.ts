/**
 * What a host NestJS app imports: the registry's public face (src/registry/index.ts), the migrations
 * to run with its own, and the base class of every error it may catch.
 */
export * from './registry';
export { PROVIDER_MIGRATIONS } from './database/migrations';
export { DomainError } from './common/domain-error';
