import { validateBaseUrl } from '../../egress/base-url.policy';
import { tidy } from './probe-detail';
import { ProbeDeadline } from './probe-http';
import type { Probe, ProbeOutcome, ProbeTarget } from './probe.types';

export type ProbeBody = (target: ProbeTarget, baseUrl: string, deadline: ProbeDeadline) => Promise<ProbeOutcome>;

/**
 * Wraps a provider-specific probe body with what every probe must guarantee: the base URL passes
 * validateBaseUrl against the egress policy before any request (no key is ever sent to a metadata or
 * link-local address; names are checked again when they resolve), one deadline covers all its
 * requests and is always disposed, and it never rejects. A bug that throws still becomes a
 * `transient` outcome instead of killing a health run. Whatever detail leaves here has been through
 * tidy() with the key: the last of the scrubbing, whichever path produced it.
 */
export function defineProbe(body: ProbeBody): Probe {
  return {
    async probe(target, opts) {
      const secrets = secretsOf(target);
      let baseUrl: string;
      try {
        baseUrl = validateBaseUrl(target.baseUrl, opts.egress?.policy);
      } catch (error) {
        return { kind: 'transient', latencyMs: 0, detail: tidy(messageOf(error), secrets) };
      }
      const deadline = ProbeDeadline.start(opts);
      let outcome: ProbeOutcome;
      try {
        outcome = await body(target, baseUrl, deadline);
      } catch (error) {
        outcome = { kind: 'transient', latencyMs: deadline.elapsedMs(), detail: `probe error: ${messageOf(error)}` };
      } finally {
        deadline.dispose();
      }
      return outcome.kind === 'ok' ? outcome : { ...outcome, detail: tidy(outcome.detail, secrets) };
    },
  };
}

function secretsOf(target: ProbeTarget): string[] {
  return target.apiKey ? [target.apiKey] : [];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
