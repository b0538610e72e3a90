import Fastify from 'fastify';
import { trustProxyValue } from './app.factory';

/** The address Fastify gives a request from 127.0.0.1 that says it was forwarded for `forwardedFor`. */
async function clientAddress(trustProxy: string, forwardedFor: string): Promise<string> {
  const app = Fastify({ trustProxy: trustProxyValue(trustProxy) });
  app.get('/', (request) => ({ ip: request.ip }));
  try {
    const response = await app.inject({ url: '/', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forwardedFor } });
    return (response.json() as { ip: string }).ip;
  } finally {
    await app.close();
  }
}

describe('TRUST_PROXY', () => {
  it('trusts as many hops as a hop count says, as Express did', async () => {
    expect(await clientAddress('1', '198.51.100.9, 203.0.113.7')).toBe('203.0.113.7');
    expect(await clientAddress('2', '198.51.100.9, 203.0.113.7')).toBe('198.51.100.9');
  });

  it('trusts everything, nothing, or the addresses named', async () => {
    expect(await clientAddress('true', '198.51.100.9, 203.0.113.7')).toBe('198.51.100.9');
    expect(await clientAddress('false', '198.51.100.9, 203.0.113.7')).toBe('127.0.0.1');
    expect(await clientAddress('127.0.0.1/8', '198.51.100.9, 203.0.113.7')).toBe('203.0.113.7');
    expect(await clientAddress('10.0.0.0/8', '198.51.100.9, 203.0.113.7')).toBe('127.0.0.1');
  });
});
