/**
 * Whether `value` nests objects and arrays more than `max` levels (a scalar is 0, `{}` or `[]` is 1).
 * Iterative on purpose: it guards recursive code (key checks, class-transformer, validators) from a
 * body nested deeper than the call stack, so it must not recurse itself.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[node: unknown, depth: number]> = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > max) return true;
    // Only the objects and arrays below are walked: a long array of numbers (token ids) is read, not copied.
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (typeof node[i] === 'object' && node[i] !== null) pending.push([node[i], depth + 1]);
    } else {
      for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
