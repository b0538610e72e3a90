import { ConsumerKeyCache } from '../../../src/registry/consumer-keys/consumer-key-cache';
import { ConsumerKeysService } from '../../../src/registry/consumer-keys/consumer-keys.service';
import { InvalidInputError, StaleVersionError } from '../../../src/registry/kernel/registry.errors';
import { RegistryContext, freshRegistryEachTest } from '../../support/registry-app';

describe('consumer key limits (service and cache, on the real database)', () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;
  let keys: ConsumerKeysService;
  let cache: ConsumerKeyCache;

  beforeEach(async () => {
    registry = await perTest.start({ REGISTRY_RESYNC_MS: '0' });
    keys = registry.get(ConsumerKeysService);
    cache = registry.get(ConsumerKeyCache);
  });

  it('sets limits at creation, changes and removes them with a compare-and-set, and the cache holds each at once', async () => {
    const { key, view } = await keys.create({
      name: 'svc',
      limits: { rpm: 600, tpm: 200_000, maxParallel: 20, budgetUsd: 50, budgetWindow: 'month' },
    });
    expect(view).toMatchObject({
      rpm: 600,
      tpm: 200_000,
      maxParallel: 20,
      budgetUsd: '50.0000',
      budgetWindow: 'month',
      budgetWarnRatio: 0.8,
    });
    expect(cache.authenticate(key)?.limits).toEqual({
      rpm: 600,
      tpm: 200_000,
      maxParallel: 20,
      budgetUsd: '50.0000',
      budgetWindow: 'month',
      budgetWarnRatio: 0.8,
    });

    const raised = await keys.updateLimits('svc', { rpm: 1200, budgetUsd: 75.5, budgetWindow: 'day' }, view.version);
    expect(raised).toMatchObject({ rpm: 1200, tpm: 200_000, budgetUsd: '75.5000', budgetWindow: 'day', budgetWarnRatio: 0.8 });
    expect(raised.version).not.toBe(view.version);
    expect(cache.authenticate(key)?.limits.rpm).toBe(1200);

    // The old ETag no longer applies: nothing is written.
    await expect(keys.updateLimits(view.id, { rpm: 1 }, view.version)).rejects.toBeInstanceOf(StaleVersionError);
    expect((await keys.get(view.id)).rpm).toBe(1200);

    const removed = await keys.updateLimits(view.id, { rpm: null, budgetUsd: null, maxParallel: null, tpm: null });
    expect(removed).toMatchObject({ rpm: null, tpm: null, maxParallel: null, budgetUsd: null, budgetWindow: null, budgetWarnRatio: null });
    expect(cache.authenticate(key)?.limits.budgetUsd).toBeNull();
  });

  it('refuses bad limits with the field named, and a window without a budget', async () => {
    await expect(keys.create({ name: 'a', limits: { rpm: 0 } })).rejects.toThrow(/rpm: must be a whole number/);
    await expect(keys.create({ name: 'a', limits: { tpm: 1.5 } })).rejects.toThrow(/tpm/);
    await expect(keys.create({ name: 'a', limits: { budgetWindow: 'day' } })).rejects.toThrow(/budgetWindow: applies to a budget/);
    await expect(keys.create({ name: 'a', limits: { budgetUsd: 1, budgetWarnAt: 2 } })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('audits a change of limits as consumer_key.updated with only what changed', async () => {
    const { view } = await keys.create({ name: 'audited', limits: { rpm: 10 } });
    await keys.updateLimits('audited', { rpm: 20, budgetUsd: 5 });
    const events = await registry.dataSource.query(`SELECT action, before, after FROM audit_events WHERE target = $1 ORDER BY id`, [
      view.name,
    ]);
    expect(events[0]).toMatchObject({ action: 'consumer_key.created', after: expect.objectContaining({ rpm: 10, budgetUsd: null }) });
    expect(events[1]).toEqual({
      action: 'consumer_key.updated',
      before: { rpm: 10, budgetUsd: null, budgetWindow: null, budgetWarnRatio: null },
      after: { rpm: 20, budgetUsd: 5, budgetWindow: 'month', budgetWarnRatio: 0.8 },
    });
  });
});
