import { INestApplication, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import request from 'supertest';
import { TestApp, startTestApp } from '../../support/test-app';

interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

/** What a DTO field really is, read from its class-validator rules: the rules are what the API enforces. */
interface FieldContract {
  type: string;
  nullable: boolean;
  required: boolean;
  enum?: unknown[];
}

// The JSON type each type-deciding rule admits; other rules (lengths, bounds) say nothing about the type.
const TYPE_OF_RULE: Record<string, string> = {
  isString: 'string',
  matches: 'string',
  isBigintId: 'string',
  isDateTime: 'string',
  isIn: 'string',
  isInt: 'integer',
  isNumber: 'number',
  isBoolean: 'boolean',
  isObject: 'object',
  isArray: 'array',
};

function fieldContracts(dto: Type): Map<string, FieldContract> {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byField = new Map<string, ValidationMetadata[]>();
  for (const rule of rules) byField.set(rule.propertyName, [...(byField.get(rule.propertyName) ?? []), rule]);
  return new Map(
    [...byField].map(([field, own]) => {
      const conditions = own
        .filter((r) => r.type === 'conditionalValidation')
        .map((r) => r.constraints[0] as (o: object, v: unknown) => boolean);
      const types = new Set(
        own.flatMap((r) => {
          if (r.type === 'nestedValidation') return [r.each ? 'array' : 'object'];
          const type = r.name === undefined ? undefined : TYPE_OF_RULE[r.name];
          return type === undefined || r.each ? [] : [type];
        }),
      );
      // An integer is also a number, and a nested object is also an object: the narrower type is the type.
      if (types.has('integer')) types.delete('number');
      expect({ dto: dto.name, field, types: [...types] }).toEqual({ dto: dto.name, field, types: [expect.any(String)] });
      const isIn = own.find((r) => r.name === 'isIn' && !r.each);
      return [
        field,
        {
          type: [...types][0],
          // Rules are skipped when a condition says so: the value it skips for is what the field may be.
          nullable: conditions.some((skips) => !skips({}, null)),
          required: conditions.length === 0,
          ...(isIn ? { enum: isIn.constraints[0] as unknown[] } : {}),
        },
      ];
    }),
  );
}

/** The document's view of a field, in the same terms. */
function documented(schema: Schema, required: boolean, components: Record<string, Schema>): FieldContract {
  const target = schema.$ref ?? schema.allOf?.[0]?.$ref;
  const type = target ? (components[target.split('/').pop()!].type ?? 'object') : (schema.type ?? 'untyped');
  return { type, nullable: schema.nullable === true, required, ...(schema.enum ? { enum: schema.enum } : {}) };
}

/** The OpenAPI document against the DTOs the controllers really validate with. */
describe('OpenAPI contract', () => {
  let testApp: TestApp | undefined;
  let app: INestApplication;
  let paths: Record<string, Record<string, Operation>>;
  let components: Record<string, Schema>;
  const handlers = new Map<string, { controller: Type; method: string }>();

  beforeAll(async () => {
    testApp = await startTestApp();
    app = testApp.app;
    const document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    paths = document.paths;
    components = document.components.schemas;
    for (const module of app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as Type;
        for (const method of Object.getOwnPropertyNames(controller.prototype))
          handlers.set(`${controller.name}_${method}`, { controller, method });
      }
    }
  });

  afterAll(() => testApp?.close());

  /** The DTO class a handler binds to @Body() or @Query(), if any. */
  function dtoOf(operationId: string, kind: RouteParamtypes): Type | undefined {
    const handler = handlers.get(operationId);
    expect({ operationId, found: handler !== undefined }).toEqual({ operationId, found: true });
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, handler!.controller, handler!.method) ?? {}) as Record<
      string,
      { index: number; data?: string }
    >;
    const types = Reflect.getMetadata('design:paramtypes', handler!.controller.prototype, handler!.method) as Type[];
    const arg = Object.entries(args).find(([key, value]) => key.startsWith(`${kind}:`) && value.data === undefined);
    return arg ? types[arg[1].index] : undefined;
  }

  function operations(): Array<[string, Operation]> {
    return Object.entries(paths).flatMap(([route, methods]) =>
      Object.entries(methods).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${route}`, operation]),
    );
  }

  it('types every body schema as its DTO validates it: type, nullable, required and enum', () => {
    for (const [name, operation] of operations()) {
      const dto = dtoOf(operation.operationId, RouteParamtypes.BODY);
      const ref = operation.requestBody?.content['application/json'].schema.$ref;
      expect({ name, ref }).toEqual({ name, ref: dto && `#/components/schemas/${dto.name}` });
    }
    // Every schema, the nested ones (ModelPreferenceDto, UsageRecordDto) included, is a DTO's.
    const dtos = validatedClasses();
    let compared = 0;
    for (const [name, schema] of Object.entries(components)) {
      const dto = dtos.find((c) => c.name === name);
      expect({ name, isDto: dto !== undefined }).toEqual({ name, isDto: true });
      const contracts = fieldContracts(dto!);
      const properties = schema.properties ?? {};
      expect({ name, fields: Object.keys(properties).sort() }).toEqual({ name, fields: [...contracts.keys()].sort() });
      for (const [field, contract] of contracts) {
        const required = (schema.required ?? []).includes(field);
        expect({ name, field, ...documented(properties[field], required, components) }).toEqual({ name, field, ...contract });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('types every query parameter as its DTO validates it', () => {
    for (const [name, operation] of operations()) {
      const dto = dtoOf(operation.operationId, RouteParamtypes.QUERY);
      if (!dto) continue;
      const contracts = fieldContracts(dto);
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
      expect({ name, parameters: query.map((p) => p.name).sort() }).toEqual({ name, parameters: [...contracts.keys()].sort() });
      for (const parameter of query) {
        const contract = contracts.get(parameter.name)!;
        // A list in a query string is one comma-separated string (groupBy=provider,model).
        const wire = contract.type === 'array' ? { ...contract, type: 'string' } : contract;
        const { enum: _enum, ...seen } = documented(parameter.schema, parameter.required === true, components);
        const { enum: _wireEnum, ...expected } = wire;
        expect({ name, parameter: parameter.name, ...seen }).toEqual({ name, parameter: parameter.name, ...expected });
      }
    }
  });

  it('lists response headers as response headers, never as request parameters', () => {
    for (const [name, operation] of operations()) {
      const headers = (operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      expect({ name, headers: headers.filter((h) => /^etag$/i.test(h)) }).toEqual({ name, headers: [] });
    }
    expect(paths['/api/providers/{provider}'].get.responses['200'].headers).toHaveProperty('ETag');
    expect(paths['/api/providers/{provider}/credentials/{id}'].get.responses['200'].headers).toHaveProperty('ETag');
  });
});

/** Every class with class-validator rules, by way of the storage's (private) map: nested DTOs have no route of their own. */
function validatedClasses(): Type[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Type, unknown> };
  return [...storage.validationMetadatas.keys()];
}
