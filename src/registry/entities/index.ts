import { CallOutcomeBucket } from './call-outcome-bucket.entity';
import { AICredential, ProviderConfig } from './provider-config.entity';
import { ProviderHealthCheck } from './provider-health-check.entity';
import { SchedulerRun } from './scheduler-run.entity';
import { UsageDaily } from './usage-daily.entity';
import { UsageFlush } from './usage-flush.entity';
import { ConsumerKey } from './consumer-key.entity';
import { ConsumerKeyAllowance } from '../key-limits/consumer-key-allowance.entity';
import { ConsumerKeyParallelSlots } from '../key-limits/consumer-key-parallel-slots.entity';
import { RequestLogEntry } from '../request-log/request-log.entity';

export {
  AICredential,
  CallOutcomeBucket,
  ConsumerKey,
  ConsumerKeyAllowance,
  ConsumerKeyParallelSlots,
  ProviderConfig,
  ProviderHealthCheck,
  RequestLogEntry,
  SchedulerRun,
  UsageDaily,
  UsageFlush,
};

export const PROVIDER_ENTITIES = [
  ProviderConfig,
  AICredential,
  ProviderHealthCheck,
  SchedulerRun,
  UsageFlush,
  UsageDaily,
  CallOutcomeBucket,
  ConsumerKey,
  ConsumerKeyAllowance,
  ConsumerKeyParallelSlots,
  RequestLogEntry,
];
