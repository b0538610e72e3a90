import { Injectable } from '@nestjs/common';
import { isCalendarDay } from '../../common/calendar-day';
import { assertProviderName } from '../provider-settings/provider-input.rules';
import { InvalidInputError } from '../kernel/registry.errors';
import { formatUsd } from '../catalog/prices';
import { SPEND_GROUPS, SpendGroup, SpendReport } from './spend-report';
import { UsageDailyRepository } from './usage-daily.repository';

/** The longest range a report covers: a year and a day, so a leap year fits. */
const MAX_SPEND_DAYS = 366;

function assertDay(value: string, field: string): string {
  if (!isCalendarDay(value)) {
    throw new InvalidInputError(field, 'must be a date YYYY-MM-DD');
  }
  return value;
}

/** Spend reports: the query's rules, then the daily sums grouped as asked and priced in USD. */
@Injectable()
export class SpendService {
  constructor(private readonly daily: UsageDailyRepository) {}

  /**
   * Usage and spend per provider, model, credential, consumer key and/or day from `from` to `to` (UTC days,
   * inclusive; by default this month so far), from the daily sums every instance's flush adds to
   * exactly once. What this instance has not flushed yet is not in it (see pendingUsage()).
   */
  async spend(
    query: { groupBy?: readonly string[]; from?: string; to?: string; provider?: string } = {},
    now = new Date(),
  ): Promise<SpendReport> {
    const groupBy = [...new Set(query.groupBy ?? ['provider'])];
    for (const group of groupBy) {
      if (!(SPEND_GROUPS as readonly string[]).includes(group))
        throw new InvalidInputError('groupBy', `must list some of ${SPEND_GROUPS.join(', ')}`);
    }
    const today = now.toISOString().slice(0, 10);
    const from = assertDay(query.from ?? `${today.slice(0, 8)}01`, 'from');
    const to = assertDay(query.to ?? today, 'to');
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days < 1) throw new InvalidInputError('to', 'must not be before from');
    if (days > MAX_SPEND_DAYS) throw new InvalidInputError('to', `must be at most ${MAX_SPEND_DAYS} days after from`);
    const provider = query.provider === undefined ? undefined : assertProviderName(query.provider);
    const rows = await this.daily.spend(groupBy as SpendGroup[], { from, to, provider });
    let total = 0n;
    const shown = rows.map(({ costNanos: cost, provider: p, model, credentialId, keyId, keyName, day, ...counts }) => {
      total += BigInt(cost);
      return {
        ...(p === null ? {} : { provider: p }),
        // Stored as '' (the daily row's key); shown as null, as the JSON for "no model".
        ...(model === null ? {} : { model: model === '' ? null : model }),
        ...(credentialId === null ? {} : { credentialId }),
        ...(keyId === null ? {} : { keyId, keyName: keyName ?? '' }),
        ...(day === null ? {} : { day }),
        ...counts,
        costUsd: formatUsd(BigInt(cost)),
      };
    });
    return { from, to, groupBy: groupBy as SpendGroup[], rows: shown, totalUsd: formatUsd(total) };
  }
}
