import { Command, Option } from 'nest-commander';
import { CliFailure } from '../cli-errors';
import { RegistryCommand } from '../registry-command';
import { RegistryContext } from '../registry-context';
import { Terminal } from '../terminal';

@Command({
  name: 'ai:credentials:rotate-key',
  description: "Re-encrypt every credential under the key ring's first key (CREDENTIALS_KEYS)",
})
export class CredentialsRotateKeyCommand extends RegistryCommand {
  protected readonly example = 'CREDENTIALS_KEYS=k2:NEW,k1:OLD ai-registry ai:credentials:rotate-key';

  constructor(
    private readonly registry: RegistryContext,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_: string[], options: { json?: boolean }): Promise<void> {
    const credentials = await this.registry.get((registry) => registry.CredentialsService);
    const total = (await credentials.list()).length;
    const progress = this.terminal.progress(total, 'Re-encrypting');
    let seen = 0;
    const result = await credentials
      .rotate({
        onProgress: (processed) => {
          for (; seen < processed; seen++) progress.tick();
        },
      })
      .finally(() => progress.stop());
    if (options.json) this.terminal.json(result);
    else {
      this.terminal.print(
        `${result.rotated} re-encrypted, ${result.alreadyCurrent} already under the first key, ${result.failed.length} failed`,
      );
      if (result.failed.length > 0) {
        this.terminal.table(
          ['id', 'provider', 'type', 'why'],
          result.failed.map((f) => [f.id, f.provider, f.credentialType, f.reason]),
        );
      }
    }
    if (result.failed.length > 0) {
      throw new CliFailure(`${result.failed.length} credential(s) could not be decrypted with this key ring and were left as they are`);
    }
  }

  @Option({ flags: '--json', description: 'print one JSON document (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
