import 'reflect-metadata';
import { measureCatalogWrites } from './catalog-writes';
import { measureSelection } from './selection';

/**
 * `npm run bench:guard`: the hot paths' headline ratios, each measured side by side in this run and
 * printed beside its target. Exits 1 only when a ratio is more than twice as bad as its target, so a
 * noisy machine does not fail it while a regression of the size that once slipped through does.
 */

interface Check {
  name: string;
  value: number;
  /** `max`: the ratio must stay at or under the target; `min`: at or over it. */
  kind: 'max' | 'min';
  target: number;
}

const verdict = (check: Check) => {
  const within = check.kind === 'max' ? check.value <= check.target : check.value >= check.target;
  const failing = check.kind === 'max' ? check.value > check.target * 2 : check.value < check.target / 2;
  return failing ? 'FAIL (over twice the target)' : within ? 'ok' : 'over target (within the guard)';
};

async function main(): Promise<void> {
  const started = Date.now();
  const selection = measureSelection();
  const writes = await measureCatalogWrites();
  const ratio = (ns: number) => ns / selection.sdk;
  const checks: Check[] = [
    { name: 'selectModel default ÷ AI SDK lookup', value: ratio(selection.select.default), kind: 'max', target: 3 },
    { name: 'selectModel fallback walk ÷ AI SDK lookup', value: ratio(selection.select.walk), kind: 'max', target: 8 },
    { name: 'planSelection default ÷ AI SDK lookup', value: ratio(selection.plan.default), kind: 'max', target: 3 },
    { name: 'planSelection fallback walk ÷ AI SDK lookup', value: ratio(selection.plan.walk), kind: 'max', target: 8 },
    {
      name: `writes at ${writes.generated.toLocaleString('en-US')} more catalog providers ÷ shipped catalog`,
      value: writes.large / writes.small,
      kind: 'min',
      target: 0.8,
    },
  ];
  console.log(`AI SDK lookup ${selection.sdk.toFixed(0)} ns; writes ${writes.small.toFixed(0)} → ${writes.large.toFixed(0)} toggles/s`);
  console.log(
    `ModelSelectionService.select(): default ${ratio(selection.service.default).toFixed(1)}×, walk ${ratio(selection.service.walk).toFixed(1)}× (informational: it adds metrics and half-open trials)`,
  );
  console.log('');
  console.log(`${'ratio'.padEnd(62)} ${'value'.padStart(7)}  target  verdict`);
  for (const check of checks) {
    const target = `${check.kind === 'max' ? '≤' : '≥'} ${check.target}`;
    console.log(`${check.name.padEnd(62)} ${check.value.toFixed(2).padStart(7)}  ${target.padEnd(6)}  ${verdict(check)}`);
  }
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (checks.some((check) => verdict(check).startsWith('FAIL'))) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
