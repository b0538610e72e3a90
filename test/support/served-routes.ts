/** A Fastify instance, as far as its route tree goes. */
export interface RouteTree {
  printRoutes(options: { commonPrefix: boolean }): string;
}

/** Every route Fastify serves with its methods, read from its route tree (printRoutes: one line per node, children indented 4 more). */
export function servedRoutes(fastify: RouteTree): Array<{ path: string; methods: string[] }> {
  const parents: string[] = [];
  return fastify
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .flatMap((line) => {
      const node = /^(.*?)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!node) return [];
      const depth = node[1].length / 4;
      const path = (parents[depth - 1] ?? '') + node[2];
      parents[depth] = path;
      return node[3] ? [{ path, methods: node[3].split(', ') }] : [];
    });
}
