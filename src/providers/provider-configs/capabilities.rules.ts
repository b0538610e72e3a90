import { validateBaseUrlField } from '../health/base-url.policy';
import { CONFIG_KEY_PATTERN, PROBE_KINDS } from '../catalog/catalog.types';
import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import { InvalidInputError } from '../providers.errors';

const isPositiveInt = (n: unknown) => Number.isSafeInteger(n) && (n as number) > 0;

function assertModels(list: unknown, field: string, sizeKey: 'contextLength' | 'dimensions'): void {
  if (!Array.isArray(list)) throw new InvalidInputError(field, 'must be an array');
  const seen = new Set<string>();
  list.forEach((model: Record<string, unknown>, i) => {
    const at = `${field}[${i}]`;
    if (typeof model !== 'object' || model === null) throw new InvalidInputError(at, 'must be an object');
    if (typeof model.id !== 'string' || model.id.trim() === '') throw new InvalidInputError(`${at}.id`, 'must be a non-empty string');
    if (seen.has(model.id)) throw new InvalidInputError(`${at}.id`, `duplicate model id "${model.id}"`);
    seen.add(model.id);
    if (typeof model.name !== 'string' || model.name.trim() === '') throw new InvalidInputError(`${at}.name`, 'must be a non-empty string');
    if (!isPositiveInt(model[sizeKey])) throw new InvalidInputError(`${at}.${sizeKey}`, 'must be a positive integer');
  });
}

/** An operator's capabilities update must have the shape sync writes, or selection would misread it. */
export function assertCapabilities(value: ProviderCapabilities): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('capabilities', 'must be an object');
  }
  if (!PROBE_KINDS.includes(value.probe)) {
    throw new InvalidInputError('capabilities.probe', `must be one of ${PROBE_KINDS.join(', ')}`);
  }
  if (typeof value.baseUrl !== 'string') throw new InvalidInputError('capabilities.baseUrl', 'must be a URL');
  validateBaseUrlField('capabilities.baseUrl', value.baseUrl);
  if (typeof value.requiresApiKey !== 'boolean') throw new InvalidInputError('capabilities.requiresApiKey', 'must be a boolean');
  if (!Array.isArray(value.requiredConfig) || !value.requiredConfig.every((k) => typeof k === 'string' && CONFIG_KEY_PATTERN.test(k))) {
    throw new InvalidInputError('capabilities.requiredConfig', 'must be a list of UPPER_SNAKE_CASE keys');
  }
  assertModels(value.textModels, 'capabilities.textModels', 'contextLength');
  assertModels(value.embeddingModels, 'capabilities.embeddingModels', 'dimensions');
}
