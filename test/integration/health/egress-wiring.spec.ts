import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { providersOptionsFromConfig } from '../../../src/config/providers-options';
import { EmbeddedCoordination } from '../../../src/database/coordination/embedded-coordination';
import { PROBE_EGRESS, ProbeEgress } from '../../../src/registry/egress/probe-egress';
import { freshRegistryEachTest } from '../../support/registry-app';

/** EGRESS_*_RANGES → ProvidersModule `egress` → the module's ProbeEgress, which HealthService probes through. */
describe('egress configuration', () => {
  it('reads comma-separated ranges into the module options', () => {
    const config = loadConfig({ EGRESS_BLOCKED_RANGES: ' 10.0.0.0/8, ::1 ,', EGRESS_ALLOWED_RANGES: '10.9.0.0/16' });
    expect(config.EGRESS_BLOCKED_RANGES).toEqual(['10.0.0.0/8', '::1']);
    expect(providersOptionsFromConfig(config, new EmbeddedCoordination(undefined)).egress).toEqual({
      blockedRanges: ['10.0.0.0/8', '::1'],
      allowedRanges: ['10.9.0.0/16'],
    });
    expect(loadConfig({}).EGRESS_BLOCKED_RANGES).toEqual([]);
  });

  it('a bad entry stops the start with the variable and the entry named', () => {
    expect(() => loadConfig({ EGRESS_BLOCKED_RANGES: '10.0.0.0/8,10.0.0.0/40' })).toThrow(ConfigError);
    expect(() => loadConfig({ EGRESS_ALLOWED_RANGES: 'example.com' })).toThrow(
      /EGRESS_ALLOWED_RANGES must be a comma-separated list of IP addresses or CIDR ranges \(e\.g\. 10\.0\.0\.0\/8,fd00::\/8\); "example\.com" is not one/,
    );
  });

  describe('in the module', () => {
    const registry = freshRegistryEachTest();

    it('the built-in policy by default: private addresses allowed, metadata refused', async () => {
      const egress = (await registry.start()).get<ProbeEgress>(PROBE_EGRESS);
      expect(egress.policy.addressReason('10.1.2.3')).toBeNull();
      expect(egress.policy.addressReason('169.254.169.254')).toMatch(/metadata/);
    });

    it('the configured ranges', async () => {
      const egress = (await registry.start({ EGRESS_BLOCKED_RANGES: '10.0.0.0/8', EGRESS_ALLOWED_RANGES: '10.9.0.0/16' })).get<ProbeEgress>(
        PROBE_EGRESS,
      );
      expect(egress.policy.addressReason('10.1.2.3')).toBe('in a blocked range (10.0.0.0/8)');
      expect(egress.policy.addressReason('10.9.1.1')).toBeNull();
    });
  });
});
