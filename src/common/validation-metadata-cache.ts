import { getMetadataStorage, type MetadataStorage } from 'class-validator';

type Metadatas = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;
type Grouped = ReturnType<MetadataStorage['groupByPropertyName']>;

// Symbol.for: a second copy of this module (src and dist both loaded, jest's isolated modules) sees the mark too.
const MEMOIZED = Symbol.for('ai-provider-registry.validation-metadata-memoized');

/**
 * Makes class-validator look up a class's rules once instead of on every validation. Its
 * getTargetValidationMetadatas scans every decorated class of the process (for inherited rules) on
 * each call (typestack/class-validator#2686, open): a third of the API's validation, the most costly
 * step of a small request. The rules of a class do not change once its module is loaded, so the
 * answer is kept per class and arguments; anything registered later (a decorator applied, a schema
 * added) drops what was kept, so a later class or rule is seen as before. Idempotent.
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [MEMOIZED]?: true };
  if (marked[MEMOIZED]) return;
  marked[MEMOIZED] = true;

  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let kept = new WeakMap<object, Map<string, Metadatas>>();
  // By the array the lookup kept (the executor reads the grouping, never changes it).
  let grouped = new WeakMap<Metadatas, Grouped>();

  const registers = storage as unknown as Record<
    'addValidationMetadata' | 'addConstraintMetadata' | 'addValidationSchema',
    (argument: unknown) => void
  >;
  for (const register of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const original = registers[register].bind(storage);
    registers[register] = (argument) => {
      kept = new WeakMap();
      grouped = new WeakMap();
      original(argument);
    };
  }

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    // An object without a constructor (Object.create(null)) has nothing to key on: looked up each time.
    if (typeof target !== 'function') return lookUp(target, schema, always, strictGroups, groups);
    // The two flags first, one character each, so the schema's name and the groups cannot run into them.
    const key = `${always ? 1 : 0}${strictGroups ? 1 : 0}${schema ?? ''}\0${groups === undefined ? '' : JSON.stringify(groups)}`;
    let forTarget = kept.get(target);
    if (!forTarget) kept.set(target, (forTarget = new Map()));
    let metadatas = forTarget.get(key);
    if (!metadatas) forTarget.set(key, (metadatas = lookUp(target, schema, always, strictGroups, groups)));
    return metadatas;
  };

  storage.groupByPropertyName = (metadatas) => {
    let byProperty = grouped.get(metadatas);
    if (!byProperty) grouped.set(metadatas, (byProperty = group(metadatas)));
    return byProperty;
  };
}
