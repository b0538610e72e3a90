import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { childPath } from './catalog-path';
import { CatalogIssue } from './catalog.errors';
import { crossFieldIssues } from './catalog.rules';
import { CatalogSchema, OperationSchema, ProviderSchema } from './catalog.schema';

/**
 * Validates a parsed YAML document: class-validator for shape and types (unknown keys rejected),
 * then the cross-field rules. Returns the transformed document only when there are no issues.
 */
export function validateCatalogDocument(
  raw: unknown,
): { document: CatalogSchema; issues: [] } | { document: undefined; issues: CatalogIssue[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const rule = 'must be a YAML mapping with providers, defaults, fallback_chain, operations, precedence_weights';
    return { document: undefined, issues: [{ path: '', rule: `the catalog ${rule} (got ${describe(raw)})` }] };
  }
  const document = toSchema(raw as Record<string, unknown>);
  const errors = validateSync(document, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const issues = [...errors.flatMap((error) => flatten(error, '')), ...crossFieldIssues(document)];
  return issues.length === 0 ? { document, issues: [] } : { document: undefined, issues };
}

/**
 * class-transformer builds the keyed mappings (`providers`, `operations`) itself only for keys that
 * are not members of Map.prototype: it skips every key naming a method or getter there, so a provider
 * called `constructor`, `keys`, `get` or `size` vanished without a word. These two are built here,
 * one schema instance per entry, and every key reaches the slug rules.
 */
function toSchema(raw: Record<string, unknown>): CatalogSchema {
  const { providers, operations, ...rest } = raw;
  const document = plainToInstance(CatalogSchema, rest);
  if ('providers' in raw) document.providers = keyed(ProviderSchema, providers) as Map<string, ProviderSchema>;
  if ('operations' in raw) document.operations = keyed(OperationSchema, operations) as Map<string, OperationSchema>;
  return document;
}

/** A mapping becomes a Map of schema instances; anything else stays as it is, for @IsObject to report. */
function keyed<T>(schema: new () => T, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return new Map(Object.entries(value).map(([key, entry]) => [key, plainToInstance(schema, entry)]));
}

/** Constraints that mean "this node has the wrong shape": when one fails, its nested errors are noise. */
const SHAPE_CONSTRAINTS = ['isObject', 'isArray'];

function flatten(error: ValidationError, parentPath: string, parentIsList = false): CatalogIssue[] {
  const path = childPath(parentPath, parentIsList ? Number(error.property) : error.property);
  const constraints = error.constraints ?? {};

  if (constraints.whitelistValidation) {
    return [{ path, rule: unknownPropertyRule(error.property) }];
  }

  const wrongShape = SHAPE_CONSTRAINTS.some((name) => name in constraints);
  const rules = Object.entries(constraints)
    .filter(([name]) => !(wrongShape && name === 'nestedValidation'))
    .map(([, message]) => message);
  const own = rules.length > 0 ? [{ path, rule: [...new Set(rules)].join('; ') }] : [];
  if (wrongShape) return own;

  const childIsList = Array.isArray(error.value);
  const children = (error.children ?? []).flatMap((child) => flatten(child, path, childIsList));
  return [...own, ...children];
}

function unknownPropertyRule(property: string): string {
  const snake = property.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  // The most likely cause of an unknown key is camelCase copied from the TypeScript side.
  const hint = snake !== property ? ` (keys are snake_case: did you mean ${snake}?)` : '';
  return `is not a known property${hint}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty document';
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}
