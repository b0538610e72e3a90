/** Injection token of the validated Catalog loaded once at boot (see providers.module.ts). */
export const CATALOG = Symbol('Catalog');
