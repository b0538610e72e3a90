import { isIPv4, isIPv6 } from 'node:net';
import { InvalidInputError } from '../providers.errors';
import { DomainError } from '../../common/domain-error';

/** A configured provider base URL breaks one of the rules below; the message names the rule. */
export class InvalidBaseUrlError extends DomainError {
  readonly code = 'INVALID_BASE_URL';
  readonly kind = 'invalid_input';
}

/**
 * Hosts that answer with cloud credentials or instance data. Probes send API keys, so a base URL
 * pointing here would hand a key (and a response) to the metadata service. Loopback and private
 * ranges stay allowed on purpose: Ollama and self-hosted OpenAI-compatible servers live there.
 */
const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog']);
const METADATA_IPV4 = new Set(['100.100.100.200']); // Alibaba Cloud; AWS/GCP/Azure use 169.254.169.254
const METADATA_IPV6 = new Set(['fd00:ec2:0:0:0:0:0:254']); // AWS IMDS over IPv6

/**
 * Validates a provider base URL and returns it normalised (WHATWG form, no trailing slash), ready
 * for `${base}/models`. Throws InvalidBaseUrlError otherwise.
 *
 * Checks the literal host only: WHATWG URL parsing already turns decimal, hex and octal IPv4
 * (`http://2852039166`, `0xa9fea9fe`) and `[::ffff:169.254.169.254]` into canonical forms, which
 * is what we inspect. A DNS name that resolves to a metadata address is not caught here.
 */
export function validateBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new InvalidBaseUrlError('base URL must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidBaseUrlError(`base URL must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in the URL end up in logs and are sent as Basic auth next to the API key.
    throw new InvalidBaseUrlError('base URL must not contain a user name or password');
  }
  if (url.search !== '' || url.hash !== '') {
    // Paths are appended to the base; a query or fragment would swallow them.
    throw new InvalidBaseUrlError('base URL must not have a query string or fragment');
  }
  const blocked = blockedHostReason(url.hostname);
  if (blocked) throw new InvalidBaseUrlError(`base URL host ${url.hostname} is not allowed: ${blocked}`);

  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function blockedHostReason(hostname: string): string | null {
  const host = hostname.replace(/\.$/, '');
  if (host === '') return 'empty host';
  if (METADATA_HOSTNAMES.has(host)) return 'cloud metadata service';
  if (isIPv4(host)) return ipv4Reason(host);
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIPv6(bare)) return ipv6Reason(bare);
  return null;
}

function ipv4Reason(ip: string): string | null {
  if (ip.startsWith('169.254.')) return 'link-local / cloud metadata address';
  if (METADATA_IPV4.has(ip)) return 'cloud metadata address';
  return null;
}

function ipv6Reason(ip: string): string | null {
  const h = expandIPv6(ip);
  if ((h[0] & 0xffc0) === 0xfe80) return 'IPv6 link-local address';
  if (METADATA_IPV6.has(h.map((x) => x.toString(16)).join(':'))) return 'cloud metadata address';
  // IPv4 smuggled in an IPv6 literal: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d).
  const mapped = h.slice(0, 5).every((x) => x === 0) && (h[5] === 0xffff || h[5] === 0);
  const nat64 = h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) {
    const v4 = [h[6] >> 8, h[6] & 0xff, h[7] >> 8, h[7] & 0xff].join('.');
    const reason = ipv4Reason(v4);
    if (reason) return `${reason} (${v4} inside IPv6)`;
  }
  return null;
}

/** Eight 16-bit groups; the input is a valid IPv6 literal without zone id. */
function expandIPv6(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

/** validateBaseUrl for a field of some input: the error names the field, like every invalid input. */
export function validateBaseUrlField(field: string, input: string): string {
  try {
    return validateBaseUrl(input);
  } catch (error) {
    if (error instanceof InvalidBaseUrlError) throw new InvalidInputError(field, error.message);
    throw error;
  }
}
