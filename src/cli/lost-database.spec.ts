import { lostDatabaseError } from './lost-database';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:37425'), { code: 'ECONNREFUSED' });
const terminated = new Error('Connection terminated unexpectedly');
/** TypeORM's wrapper around the driver's error, as a query that failed hands it back. */
const wrapped = Object.assign(new Error('Connection terminated unexpectedly'), { name: 'QueryFailedError', driverError: terminated });

describe(lostDatabaseError.name, () => {
  const viaServer = { kind: 'embedded' as const, url: 'postgresql://x:secret@127.0.0.1:37425/postgres', viaOwner: true, ownerPid: 4242 };

  it("through a server's socket: says that server went away, never its socket's address", () => {
    for (const error of [refused, terminated, wrapped]) {
      const said = lostDatabaseError(error, viaServer);
      expect(said?.message).toBe(
        "the registry's server (process 4242) went away while the command ran (it stopped or restarted; the command used its database), so the command may not have finished: run it again",
      );
      expect(said?.message).not.toMatch(/ECONNREFUSED|37425|secret/);
    }
  });

  it('on PostgreSQL: names the database (never the password) and the cause', () => {
    const said = lostDatabaseError(refused, {
      kind: 'postgres',
      url: 'postgresql://app:secret@db.internal:5432/registry',
      viaOwner: false,
    });
    expect(said?.message).toBe(
      'lost the connection to DATABASE_URL (PostgreSQL at db.internal:5432, database "registry", user "app") while the command ran ' +
        '(connect ECONNREFUSED 127.0.0.1:37425), so the command may not have finished: run it again',
    );
  });

  it('leaves every other error alone', () => {
    expect(lostDatabaseError(new TypeError('x is not a function'), viaServer)).toBeNull();
    expect(lostDatabaseError(new Error('duplicate key value violates unique constraint'), viaServer)).toBeNull();
  });
});
