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
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import {
  baseUrlProblem,
  modelIdProblem,
  modelSizeProblem,
  nameProblem,
  priceProblem,
  priorityProblem,
  VALUE_LIMITS,
} from './catalog-values';
import { CONFIG_KEY_PATTERN, MODEL_TYPES, PROBE_KINDS } from './catalog.types';

/*
 * The YAML shape, snake_case, exactly as written in config/providers.yaml. Property names match the
 * file so a validation error path (`providers.openai.text_models[2].context_length`) is the path the
 * operator edits. load-catalog.ts validates these once, then maps them to the camelCase types.
 * Every rule carries its own message: the message is the whole explanation the operator gets.
 */

const NON_EMPTY = { message: 'must be a non-empty string' };
const MAPPING = (what: string) => ({ message: `must be a mapping (${what})` });
const LIST = (what: string) => ({ message: `must be a list of ${what}` });

/**
 * A rule shared with the capabilities checks (catalog-values.ts): the reason it gives for a value is
 * the message, so the operator reads the same rule in both places.
 */
function Satisfies(name: string, problem: (value: unknown) => string | undefined): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => problem(value) === undefined,
      defaultMessage: (args) => problem(args?.value) ?? '',
    },
  });
}

/** A bound on a list's length that stays silent when the value is not a list (@IsArray says so). */
function MaxItems(max: number, what: string): PropertyDecorator {
  return Satisfies('maxItems', (value) => (Array.isArray(value) && value.length > max ? `must list at most ${max} ${what}` : undefined));
}

/** USD per million tokens. */
export class TextPriceSchema {
  @Satisfies('isPrice', priceProblem)
  input: number;

  @Satisfies('isPrice', priceProblem)
  output: number;
}

/** Embeddings are billed on their input only. */
export class EmbeddingPriceSchema {
  @Satisfies('isPrice', priceProblem)
  input: number;
}

export class TextModelSchema {
  @Satisfies('isModelId', modelIdProblem)
  id: string;

  @Satisfies('isModelName', (v) => nameProblem(v, VALUE_LIMITS.modelNameChars))
  name: string;

  @Satisfies('isModelSize', modelSizeProblem)
  context_length: number;

  @IsOptional()
  @IsObject(MAPPING('input, output: USD per million tokens'))
  @ValidateNested(MAPPING('input, output: USD per million tokens'))
  @Type(() => TextPriceSchema)
  price?: TextPriceSchema;
}

export class EmbeddingModelSchema {
  @Satisfies('isModelId', modelIdProblem)
  id: string;

  @Satisfies('isModelName', (v) => nameProblem(v, VALUE_LIMITS.modelNameChars))
  name: string;

  @Satisfies('isModelSize', modelSizeProblem)
  dimensions: number;

  @IsOptional()
  @IsObject(MAPPING('input: USD per million tokens'))
  @ValidateNested(MAPPING('input: USD per million tokens'))
  @Type(() => EmbeddingPriceSchema)
  price?: EmbeddingPriceSchema;
}

export class ProviderSchema {
  @Satisfies('isDisplayName', (v) => nameProblem(v, VALUE_LIMITS.displayNameChars))
  display_name: string;

  @IsIn(PROBE_KINDS, { message: `must be one of ${PROBE_KINDS.join(', ')}` })
  probe: string;

  @Satisfies('isBaseUrl', baseUrlProblem)
  base_url: string;

  @IsBoolean({ message: 'must be true or false' })
  requires_api_key: boolean;

  @IsOptional()
  @IsArray(LIST('config key names'))
  @Matches(CONFIG_KEY_PATTERN, {
    each: true,
    message: ({ value }) => `every entry must match ${CONFIG_KEY_PATTERN.source}` + badEntries(value, (v) => CONFIG_KEY_PATTERN.test(v)),
  })
  @ArrayUnique({ message: 'must not list a key twice' })
  @MaxItems(VALUE_LIMITS.requiredConfigKeys, 'keys')
  required_config?: string[];

  @Satisfies('isPriority', priorityProblem)
  priority: number;

  @IsOptional()
  @IsArray(LIST('text models'))
  @MaxItems(VALUE_LIMITS.modelsPerType, 'text models')
  @ValidateNested({ each: true, message: 'must be a mapping with id, name, context_length' })
  @Type(() => TextModelSchema)
  text_models?: TextModelSchema[];

  @IsOptional()
  @IsArray(LIST('embedding models'))
  @MaxItems(VALUE_LIMITS.modelsPerType, 'embedding models')
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
