// @Type reads design-time metadata; importing it here keeps the schema usable outside the Nest app (tests, CLI).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { CONFIG_KEY_PATTERN, MODEL_TYPES, PROBE_KINDS } from './catalog.types';

/*
 * The YAML shape, snake_case, exactly as written in config/providers.yaml. Property names match the
 * file so a validation error path (`providers.openai.text_models[2].context_length`) is the path the
 * operator edits. load-catalog.ts validates these once, then maps them to the camelCase types.
 * Every rule carries its own message: the message is the whole explanation the operator gets.
 */

const NON_EMPTY = { message: 'must be a non-empty string' };
const POSITIVE_INT = { message: 'must be a positive integer' };
const MAPPING = (what: string) => ({ message: `must be a mapping (${what})` });
const LIST = (what: string) => ({ message: `must be a list of ${what}` });

/** `new URL` rather than validator.js isURL: it accepts what fetch accepts (localhost, docker hostnames, ports). */
function IsHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHttpUrl',
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          let url: URL;
          try {
            url = new URL(value);
          } catch {
            return false;
          }
          // Credentials in a base URL would be copied into capabilities jsonb, which is not secret storage.
          return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
        },
        defaultMessage: () => 'must be an http:// or https:// URL without credentials in it',
      },
    },
    options,
  );
}

export class TextModelSchema {
  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  id: string;

  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  name: string;

  @IsInt(POSITIVE_INT)
  @Min(1, POSITIVE_INT)
  context_length: number;
}

export class EmbeddingModelSchema {
  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  id: string;

  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  name: string;

  @IsInt(POSITIVE_INT)
  @Min(1, POSITIVE_INT)
  dimensions: number;
}

export class ProviderSchema {
  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  display_name: string;

  @IsIn(PROBE_KINDS, { message: `must be one of ${PROBE_KINDS.join(', ')}` })
  probe: string;

  @IsHttpUrl()
  base_url: string;

  @IsBoolean({ message: 'must be true or false' })
  requires_api_key: boolean;

  @IsOptional()
  @IsArray(LIST('config key names'))
  @Matches(CONFIG_KEY_PATTERN, {
    each: true,
    message: ({ value }) =>
      `every entry must match ${CONFIG_KEY_PATTERN.source}` + badEntries(value, (v) => CONFIG_KEY_PATTERN.test(v)),
  })
  @ArrayUnique({ message: 'must not list a key twice' })
  required_config?: string[];

  @IsInt({ message: 'must be an integer (lower = preferred)' })
  @Min(0, { message: 'must be 0 or more (lower = preferred)' })
  priority: number;

  @IsOptional()
  @IsArray(LIST('text models'))
  @ValidateNested({ each: true, message: 'must be a mapping with id, name, context_length' })
  @Type(() => TextModelSchema)
  text_models?: TextModelSchema[];

  @IsOptional()
  @IsArray(LIST('embedding models'))
  @ValidateNested({ each: true, message: 'must be a mapping with id, name, dimensions' })
  @Type(() => EmbeddingModelSchema)
  embedding_models?: EmbeddingModelSchema[];
}

export class ModelRefSchema {
  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  provider: string;

  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  model: string;
}

export class ModelDefaultsSchema {
  @IsObject(MAPPING('provider, model'))
  @ValidateNested(MAPPING('provider, model'))
  @Type(() => ModelRefSchema)
  text: ModelRefSchema;

  @IsObject(MAPPING('provider, model'))
  @ValidateNested(MAPPING('provider, model'))
  @Type(() => ModelRefSchema)
  embedding: ModelRefSchema;
}

export class FallbackChainSchema {
  @IsOptional()
  @IsArray(LIST('{provider, model} entries'))
  @ValidateNested({ each: true, message: 'must be a mapping with provider, model' })
  @Type(() => ModelRefSchema)
  text?: ModelRefSchema[];

  @IsOptional()
  @IsArray(LIST('{provider, model} entries'))
  @ValidateNested({ each: true, message: 'must be a mapping with provider, model' })
  @Type(() => ModelRefSchema)
  embedding?: ModelRefSchema[];
}

export class OperationSchema {
  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  provider: string;

  @IsString(NON_EMPTY)
  @MinLength(1, NON_EMPTY)
  model: string;

  @IsBoolean({ message: 'must be true or false' })
  enabled: boolean;

  @IsOptional()
  @IsIn(MODEL_TYPES, { message: `must be one of ${MODEL_TYPES.join(', ')} (default text)` })
  model_type?: string;
}

const WEIGHT = { message: 'must be an integer (higher = tried earlier)' };

export class PrecedenceWeightsSchema {
  @IsInt(WEIGHT)
  command_override: number;

  @IsInt(WEIGHT)
  project_preference: number;

  @IsInt(WEIGHT)
  vault_preference: number;

  @IsInt(WEIGHT)
  operation: number;

  @IsInt(WEIGHT)
  global_default: number;

  @IsInt(WEIGHT)
  fallback: number;
}

/**
 * `providers` and `operations` are YAML mappings keyed by slug/name. Typed as Map so class-transformer
 * builds one schema instance per value and class-validator reports errors under the key
 * (`providers.openai.…`); the keys themselves are checked in catalog.rules.ts.
 */
export class CatalogSchema {
  @IsObject(MAPPING('provider slug → provider'))
  @ValidateNested({ each: true, message: 'must be a mapping with display_name, probe, base_url, …' })
  @Type(() => ProviderSchema)
  providers: Map<string, ProviderSchema>;

  @IsObject(MAPPING('text and embedding defaults'))
  @ValidateNested(MAPPING('text and embedding defaults'))
  @Type(() => ModelDefaultsSchema)
  defaults: ModelDefaultsSchema;

  @IsOptional()
  @IsObject(MAPPING('text and embedding chains'))
  @ValidateNested(MAPPING('text and embedding chains'))
  @Type(() => FallbackChainSchema)
  fallback_chain?: FallbackChainSchema;

  @IsOptional()
  @IsObject(MAPPING('operation name → {provider, model, enabled, model_type}'))
  @ValidateNested({ each: true, message: 'must be a mapping with provider, model, enabled' })
  @Type(() => OperationSchema)
  operations?: Map<string, OperationSchema>;

  @IsObject(MAPPING('command_override, project_preference, …'))
  @ValidateNested(MAPPING('command_override, project_preference, …'))
  @Type(() => PrecedenceWeightsSchema)
  precedence_weights: PrecedenceWeightsSchema;
}

function badEntries(value: unknown, ok: (v: string) => boolean): string {
  if (!Array.isArray(value)) return '';
  const bad = value.filter((v) => typeof v !== 'string' || !ok(v));
  return bad.length > 0 ? ` (bad: ${bad.map((v) => JSON.stringify(v)).join(', ')})` : '';
}
