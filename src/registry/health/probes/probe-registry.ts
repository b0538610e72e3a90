import { anthropicProbe } from './anthropic.probe';
import { ollamaProbe } from './ollama.probe';
import { openAiProbe } from './openai.probe';
import { openRouterProbe } from './openrouter.probe';
import type { Probe, ProbeKind, ProbeOptions, ProbeOutcome, ProbeTarget } from './probe.types';

/** Kind → probe. Exhaustive by type: adding a ProbeKind without a probe does not compile. */
export const PROBES: Readonly<Record<ProbeKind, Probe>> = {
  openai: openAiProbe,
  openai_compatible: openAiProbe,
  anthropic: anthropicProbe,
  ollama: ollamaProbe,
  openrouter: openRouterProbe,
};

export function probeFor(kind: ProbeKind): Probe | undefined {
  return Object.prototype.hasOwnProperty.call(PROBES, kind) ? PROBES[kind] : undefined;
}

/**
 * Probes one target with the probe for its kind. Never rejects: a kind with no probe (e.g. a
 * catalog row from a newer version) is a `transient` outcome naming the kind.
 */
export function runProbe(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeOutcome> {
  const probe = probeFor(target.kind);
  if (!probe)
    return Promise.resolve({ kind: 'transient', latencyMs: 0, detail: `no health probe for provider kind "${String(target.kind)}"` });
  return probe.probe(target, opts);
}
