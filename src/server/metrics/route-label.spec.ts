import { methodLabel, routeLabel } from './route-label';

describe('HTTP metric labels', () => {
  it('use the matched route template, or "unmatched"', () => {
    expect(routeLabel({ path: '/api/providers/:provider' })).toBe('/api/providers/:provider');
    expect(routeLabel(undefined)).toBe('unmatched');
    expect(routeLabel({})).toBe('unmatched');
    const middlewareRoute = { path: '/*path' };
    expect(routeLabel(middlewareRoute, middlewareRoute)).toBe('unmatched');
    expect(routeLabel({ path: '/api/usage' }, middlewareRoute)).toBe('/api/usage');
  });

  it('keep the methods an API serves and fold the rest', () => {
    expect(methodLabel('PATCH')).toBe('PATCH');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
    expect(methodLabel(undefined)).toBe('OTHER');
  });
});
