import { CreateAiCredentials1764000000000 } from './1764000000000-CreateAiCredentials';
import { CreateProviderConfigs1764000001000 } from './1764000001000-CreateProviderConfigs';
import { EnhanceAiCredentials1764000002000 } from './1764000002000-EnhanceAiCredentials';
import { BackfillProviderConfigs1764000003000 } from './1764000003000-BackfillProviderConfigs';
import { CreateProviderHealthChecks1764000004000 } from './1764000004000-CreateProviderHealthChecks';
import { SeparateOperatorOverrides1764000004500 } from './1764000004500-SeparateOperatorOverrides';
import { PropagateRegistryChanges1764000005000 } from './1764000005000-PropagateRegistryChanges';
import { CreateUsageFlushes1764000007000 } from './1764000007000-CreateUsageFlushes';
import { CreateApiTokens1764000008000 } from './1764000008000-CreateApiTokens';
import { CreateAuditEvents1764000009000 } from './1764000009000-CreateAuditEvents';
import { AddUsageBatchKeys1764000009500 } from './1764000009500-AddUsageBatchKeys';
import { LearnFromCallsAndSpend1764000010000 } from './1764000010000-LearnFromCallsAndSpend';
import { AuditBudgets1764000011000 } from './1764000011000-AuditBudgets';
import { StoreCredentialKeyMasks1764000012000 } from './1764000012000-StoreCredentialKeyMasks';
import { CreateConsumerKeys1764000013000 } from './1764000013000-CreateConsumerKeys';
import { AuditConsumerKeys1764000013500 } from './1764000013500-AuditConsumerKeys';
import { CountUsagePerConsumerKey1764000014000 } from './1764000014000-CountUsagePerConsumerKey';
import { AddConsumerKeyLimits1764000017000 } from './1764000017000-AddConsumerKeyLimits';
import { AuditConsumerKeyLimits1764000017500 } from './1764000017500-AuditConsumerKeyLimits';
import { CreateRequestLog1764000016500 } from './1764000016500-CreateRequestLog';
import { HoldParallelSlotsPerInstance1764000018000 } from './1764000018000-HoldParallelSlotsPerInstance';

/**
 * Listed as classes, not a glob, so ts-node, jest and the compiled app load the same set.
 * PROVIDER_MIGRATIONS are ProvidersModule's (a host app runs them with its own); MIGRATIONS adds
 * the tables only our server has (its REST edge's tokens and the audit trail).
 */
export const PROVIDER_MIGRATIONS = [
  CreateAiCredentials1764000000000,
  CreateProviderConfigs1764000001000,
  EnhanceAiCredentials1764000002000,
  BackfillProviderConfigs1764000003000,
  CreateProviderHealthChecks1764000004000,
  SeparateOperatorOverrides1764000004500,
  PropagateRegistryChanges1764000005000,
  CreateUsageFlushes1764000007000,
  AddUsageBatchKeys1764000009500,
  LearnFromCallsAndSpend1764000010000,
  StoreCredentialKeyMasks1764000012000,
  CreateConsumerKeys1764000013000,
  CountUsagePerConsumerKey1764000014000,
  AddConsumerKeyLimits1764000017000,
  CreateRequestLog1764000016500,
  HoldParallelSlotsPerInstance1764000018000,
];

export const MIGRATIONS = [
  ...PROVIDER_MIGRATIONS,
  CreateApiTokens1764000008000,
  CreateAuditEvents1764000009000,
  AuditBudgets1764000011000,
  AuditConsumerKeys1764000013500,
  AuditConsumerKeyLimits1764000017500,
];
