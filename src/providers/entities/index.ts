import { AICredential } from './ai-credential.entity';
import { ProviderConfig } from './provider-config.entity';
import { ProviderHealthCheck } from './provider-health-check.entity';
import { SchedulerRun } from './scheduler-run.entity';

export { AICredential, ProviderConfig, ProviderHealthCheck, SchedulerRun };

export const PROVIDER_ENTITIES = [ProviderConfig, AICredential, ProviderHealthCheck, SchedulerRun];
