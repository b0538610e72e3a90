import { methodLabel, routeLabel } from './route-label';

describe('HTTP metric labels', () => {
  it('use the matched route template, or "unmatched"', () => {
    expect(routeLabel({ is404: false, routeOptions: { url: '/api/providers/:provider' } })).toBe('/api/providers/:provider');
    expect(routeLabel({ is404: false, routeOptions: {} })).toBe('unmatched');
    // The not-found handler is a route of Fastify's own, with a template that is not ours.
    expect(routeLabel({ is404: true, routeOptions: { url: '/*' } })).toBe('unmatched');
  });

  it('keep the methods an API serves and fold the rest', () => {
    expect(methodLabel('PATCH')).toBe('PATCH');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
    expect(methodLabel(undefined)).toBe('OTHER');
  });
});
