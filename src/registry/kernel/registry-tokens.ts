/** Injection tokens of what ProvidersModule.forRoot() resolves once, injected across the module's folders. */
export const REGISTRY_SETTINGS = Symbol('RegistrySettings');
export const REGISTRY_DATA_SOURCE = Symbol('RegistryDataSource');
/** The module's own handle: a host's COORDINATION token (if it has one) is only an input to the options. */
export const REGISTRY_COORDINATION = Symbol('RegistryCoordination');
