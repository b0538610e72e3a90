/**
 * What the commands take from the registry, loaded when RegistryContext opens it: `--help`, a usage
 * error or a missing flag answer without loading TypeORM and the registry (~900 modules).
 */
export * from '../registry';
export { ApiTokensService } from '../server/auth/api-tokens.service';
export { CliRegistryModule } from './cli-registry.module';
