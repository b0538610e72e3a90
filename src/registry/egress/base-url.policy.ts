import { InvalidInputError } from '../kernel/registry.errors';
import { DomainError } from '../../common/domain-error';
import { EgressPolicy } from './egress-policy';

/** A configured provider base URL breaks one of the rules below; the message names the rule. */
export class InvalidBaseUrlError extends DomainError {
  readonly code = 'INVALID_BASE_URL';
  readonly kind = 'invalid_input';
}

/**
 * Validates a provider base URL and returns it normalised (WHATWG form, no trailing slash), ready
 * for `${base}/models`. Throws InvalidBaseUrlError otherwise.
 *
 * Checks the host as written, against `policy` (the built-in one unless the caller has the configured
 * one): WHATWG URL parsing already turns decimal, hex and octal IPv4 (`http://2852039166`,
 * `0xa9fea9fe`) and `[::ffff:169.254.169.254]` into canonical forms, which is what we inspect. A DNS
 * name that resolves to a blocked address passes here and is refused when a probe connects
 * (probe-egress.ts); IP literals are never looked up, so this is the only check they get.
 */
export function validateBaseUrl(input: string, policy: EgressPolicy = EgressPolicy.DEFAULT): string {
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
  const blocked = policy.hostReason(url.hostname);
  if (blocked) throw new InvalidBaseUrlError(`base URL host ${url.hostname} is not allowed: ${blocked}`);

  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
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
