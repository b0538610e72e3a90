import { AICredential } from './ai-credential.entity';
import { ProviderConfig } from './provider-config.entity';
import { ProviderHealthCheck } from './provider-health-check.entity';
import { SchedulerRun } from './scheduler-run.entity';
import { UsageFlush } from './usage-flush.entity';

export { AICredential, ProviderConfig, ProviderHealthCheck, SchedulerRun, UsageFlush };

export const PROVIDER_ENTITIES = [ProviderConfig, AICredential, ProviderHealthCheck, SchedulerRun, UsageFlush];
