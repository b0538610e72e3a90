import { DatabaseError } from 'pg';
import type { EntityManager } from 'typeorm';
import { writeBisecting } from './savepoint-bisection';

function refusal(code: string): DatabaseError {
  const error = new DatabaseError('bigint out of range', 0, 'error');
  error.code = code;
  return error;
}

/** A transaction that refuses any write containing a "bad" item, counting statements. */
function fakeManager(fails: (items: string[]) => Error | undefined) {
  const statements: string[] = [];
  const manager = { query: (sql: string) => Promise.resolve(statements.push(sql)) } as unknown as EntityManager;
  const write = (_: EntityManager, items: string[]) => {
    statements.push(`write ${items.join(',')}`);
    const error = fails(items);
    return error ? Promise.reject(error) : Promise.resolve();
  };
  return { manager, write, statements };
}

describe(writeBisecting.name, () => {
  it('writes everything in one statement when nothing is refused', async () => {
    const { manager, write, statements } = fakeManager(() => undefined);
    await writeBisecting(manager, write, ['a', 'b', 'c'], () => undefined);
    expect(statements).toEqual(['SAVEPOINT usage_part', 'write a,b,c', 'RELEASE SAVEPOINT usage_part']);
  });

  it('isolates the refused items by halving, and writes the rest', async () => {
    const { manager, write, statements } = fakeManager((items) => (items.includes('bad') ? refusal('22003') : undefined));
    const refused: Array<[string, string]> = [];
    await writeBisecting(manager, write, ['a', 'b', 'bad', 'd', 'e'], (item, reason) => refused.push([item, reason]));
    expect(refused).toEqual([['bad', '22003 bigint out of range']]);
    const written = statements.filter((s) => s.startsWith('write'));
    expect(written).toEqual(['write a,b,bad,d,e', 'write a,b,bad', 'write a,b', 'write bad', 'write d,e']);
  });

  it('throws what a retry may cure (no SQLSTATE of class 22 or 23)', async () => {
    const { manager, write } = fakeManager(() => new Error('Connection terminated'));
    await expect(writeBisecting(manager, write, ['a'], () => undefined)).rejects.toThrow('Connection terminated');
  });
});
