import { AllowanceRepository } from './key-limits/allowance.repository';
import { ParallelSlotRepository } from './key-limits/parallel-slot.repository';
import { ConsumerKeyRepository } from './consumer-keys/consumer-key.repository';
import { CredentialRepository } from './credentials/credential.repository';
import { HealthRepository } from './health/active/health.repository';
import { SchedulerRunRepository } from './health/active/scheduler-run.repository';
import { ProviderConfigRepository } from './provider-settings/provider-config.repository';
import { RequestLogRepository } from './request-log/request-log.repository';
import { SnapshotRepository } from './snapshot/snapshot.repository';
import { BudgetStatusRepository } from './spend/budget-status.repository';
import { OutcomeBucketRepository } from './usage/outcome-bucket.repository';
import { UsageDailyRepository } from './usage/usage-daily.repository';
import { UsageRepository } from './usage/usage.repository';

/** One repository per table (or per owner of a table's columns), each the only place holding that SQL. */
export const REPOSITORIES = [
  ProviderConfigRepository,
  CredentialRepository,
  SnapshotRepository,
  HealthRepository,
  SchedulerRunRepository,
  UsageRepository,
  UsageDailyRepository,
  OutcomeBucketRepository,
  BudgetStatusRepository,
  ConsumerKeyRepository,
  AllowanceRepository,
  ParallelSlotRepository,
  RequestLogRepository,
];
