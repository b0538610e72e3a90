import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CredentialsService, ModelSelectionService } from 'ai-provider-registry';
import { HostAppModule } from './host-app.module';
import { hostSettingsFromEnv } from './host-settings';

/** Boots the host, stores a key for OpenAI and prints which model a text request would use. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(HostAppModule.forRoot(hostSettingsFromEnv()), { logger: ['warn', 'error'] });
  await app.get(CredentialsService).store('openai', { apiKey: process.env.HOST_OPENAI_KEY ?? 'sk-example-0123456789abcdef' });
  const selection = app.get(ModelSelectionService).select({ modelType: 'text' });
  process.stdout.write(`text requests go to ${selection.provider}/${selection.model} (${selection.source})\n`);
  await app.close();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
