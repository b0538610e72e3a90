import { DynamicModule, Module } from '@nestjs/common';
import { CLI_SETTINGS, CliSettings } from './cli-settings';
import { CredentialsListCommand } from './commands/credentials-list.command';
import { CredentialsRemoveCommand } from './commands/credentials-remove.command';
import { CredentialsRotateKeyCommand } from './commands/credentials-rotate-key.command';
import { CredentialsSetCommand } from './commands/credentials-set.command';
import { HealthCommand } from './commands/health.command';
import { KeysCreateCommand } from './commands/keys-create.command';
import { KeysListCommand } from './commands/keys-list.command';
import { KeysRevokeCommand } from './commands/keys-revoke.command';
import { KeysUpdateCommand } from './commands/keys-update.command';
import { ProvidersListCommand } from './commands/providers-list.command';
import { ProvidersSyncCommand } from './commands/providers-sync.command';
import { ProvidersDisableCommand, ProvidersEnableCommand } from './commands/providers-toggle.command';
import { TokensCreateCommand } from './commands/tokens-create.command';
import { TokensListCommand } from './commands/tokens-list.command';
import { TokensRevokeCommand } from './commands/tokens-revoke.command';
import { UsageCommand } from './commands/usage.command';
import { Prompts } from './prompts';
import { ProviderNames } from './provider-names';
import { RegistryContext } from './registry-context';
import { RootCommand } from './root-command';
import { CLI_STREAMS, CliStreams, Terminal } from './terminal';

export const COMMANDS = [
  CredentialsSetCommand,
  CredentialsListCommand,
  CredentialsRemoveCommand,
  CredentialsRotateKeyCommand,
  HealthCommand,
  ProvidersListCommand,
  ProvidersEnableCommand,
  ProvidersDisableCommand,
  ProvidersSyncCommand,
  UsageCommand,
  TokensCreateCommand,
  TokensListCommand,
  TokensRevokeCommand,
  KeysCreateCommand,
  KeysListCommand,
  KeysRevokeCommand,
  KeysUpdateCommand,
];

/** The admin CLI: thin commands over ProvidersModule's services, opened lazily through RegistryContext. */
@Module({})
export class CliModule {
  static forRoot(settings: CliSettings, streams: CliStreams): DynamicModule {
    return {
      module: CliModule,
      providers: [
        { provide: CLI_SETTINGS, useValue: settings },
        { provide: CLI_STREAMS, useValue: streams },
        Terminal,
        Prompts,
        RegistryContext,
        RootCommand,
        ProviderNames,
        ...COMMANDS,
      ],
    };
  }
}
