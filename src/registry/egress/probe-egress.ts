import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Agent } from 'undici';
import { DomainError } from '../../common/domain-error';
import { EgressPolicy } from './egress-policy';
import { loadUndici } from './undici';

/** The module's ProbeEgress, built once from the `egress` option. */
export const PROBE_EGRESS = Symbol('ProbeEgress');

export const EGRESS_BLOCKED = 'EGRESS_BLOCKED';

/** A probe's host name resolved to an address the egress policy refuses; nothing was sent. */
export class EgressBlockedError extends DomainError {
  readonly code = EGRESS_BLOCKED;
  readonly kind = 'invalid_input';
  constructor(hostname: string, address: string, reason: string) {
    super(`base URL host ${hostname} resolves to ${address}, which is not allowed: ${reason}`);
  }
}

/** dns.lookup's shape, so tests can resolve names to chosen addresses without a DNS server. */
export type Resolver = (
  hostname: string,
  options: { all: true; family?: number; hints?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * How probes reach the network: an undici Agent whose every connection is checked against the
 * policy after DNS and before the socket opens. A base URL is validated as text before the probe
 * (validateBaseUrl), but a name can resolve anywhere, and differently the next time (DNS rebinding),
 * so the address actually connected to is the one that is checked. All addresses of a name are
 * checked, not just the first: the connection may try any of them (happy eyeballs). IP literals are
 * not looked up by Node at all; the text check is what refuses those.
 */
export class ProbeEgress {
  private readonly lookup: LookupFunction;
  private agent: Agent | undefined;

  constructor(
    readonly policy: EgressPolicy = EgressPolicy.DEFAULT,
    resolve: Resolver = dnsLookup as Resolver,
  ) {
    this.lookup = ((hostname, options, callback: (...args: unknown[]) => void) => {
      resolve(hostname, { family: options.family as number | undefined, hints: options.hints, all: true }, (error, addresses) => {
        if (error) return callback(error);
        for (const { address } of addresses) {
          const reason = policy.addressReason(address);
          if (reason) return callback(new EgressBlockedError(hostname, address, reason));
        }
        if (addresses.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0].address, addresses[0].family);
      });
    }) as LookupFunction;
  }

  /** The pool every probe and call goes through, made by the first of them (undici is loaded then). */
  get dispatcher(): Agent {
    return (this.agent ??= new (loadUndici().Agent)({ connect: { lookup: this.lookup } }));
  }

  /** Closes the pooled keep-alive connections. */
  async close(): Promise<void> {
    await this.agent?.close();
  }

  /** Nest calls this on the module's instance last at shutdown, after the scheduler has stopped its sweep. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

let shared: ProbeEgress | undefined;

/** The built-in policy's egress, for probes run without one (a script, a test); created on first use. */
export function defaultProbeEgress(): ProbeEgress {
  shared ??= new ProbeEgress();
  return shared;
}
