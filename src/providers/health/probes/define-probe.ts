import { validateBaseUrl } from '../base-url.policy';
import { tidy } from './probe-detail';
import { ProbeDeadline } from './probe-http';
import type { Probe, ProbeOutcome, ProbeTarget } from './probe.types';

export type ProbeBody = (target: ProbeTarget, baseUrl: string, deadline: ProbeDeadline) => Promise<ProbeOutcome>;

/**
 * Wraps a provider-specific probe body with what every probe must guarantee: the base URL passes
 * validateBaseUrl before any request (no key is ever sent to a metadata or link-local address),
 * one deadline covers all its requests and is always disposed, and it never rejects. A bug that
 * throws still becomes a `transient` outcome, scrubbed of the key, instead of killing a health run.
 */
export function defineProbe(body: ProbeBody): Probe {
  return {
    async probe(target, opts) {
      let baseUrl: string;
      try {
        baseUrl = validateBaseUrl(target.baseUrl);
      } catch (error) {
        return { kind: 'transient', latencyMs: 0, detail: tidy(messageOf(error), secretsOf(target)) };
      }
      const deadline = ProbeDeadline.start(opts);
      try {
        return await body(target, baseUrl, deadline);
      } catch (error) {
        return { kind: 'transient', latencyMs: deadline.elapsedMs(), detail: tidy(`probe error: ${messageOf(error)}`, secretsOf(target)) };
      } finally {
        deadline.dispose();
      }
    },
  };
}

function secretsOf(target: ProbeTarget): string[] {
  return target.apiKey ? [target.apiKey] : [];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
