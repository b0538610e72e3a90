import { connectionConfigOf } from './connection-config';

describe(connectionConfigOf.name, () => {
  it('keeps the URL, or the separate settings, and the TLS and driver options of the data source', () => {
    expect(connectionConfigOf({ type: 'postgres', url: 'postgresql://u:p@db/x', ssl: { rejectUnauthorized: true } })).toEqual({
      connectionString: 'postgresql://u:p@db/x',
      ssl: { rejectUnauthorized: true },
    });
    expect(
      connectionConfigOf({ type: 'postgres', host: '/var/run/postgresql', database: 'app', username: 'app', extra: { keepAlive: true } }),
    ).toEqual({ keepAlive: true, host: '/var/run/postgresql', port: undefined, user: 'app', password: undefined, database: 'app' });
  });

  it('refuses a data source that is not PostgreSQL', () => {
    expect(() => connectionConfigOf({ type: 'sqlite', database: ':memory:' } as never)).toThrow(/needs a PostgreSQL data source/);
  });
});
