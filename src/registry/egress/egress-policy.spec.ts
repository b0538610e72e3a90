import { InvalidModuleOptionError } from '../kernel/registry-settings';
import { EgressPolicy, firstInvalidRange, parseRange } from './egress-policy';

describe(EgressPolicy.name, () => {
  const policy = EgressPolicy.DEFAULT;

  describe('built in: metadata and link-local refused in every form an address can take', () => {
    it.each([
      ['169.254.169.254', /link-local \/ cloud metadata/],
      ['169.254.0.1', /link-local/],
      ['100.100.100.200', /cloud metadata/],
      ['192.0.0.192', /cloud metadata/],
      ['168.63.129.16', /cloud platform/],
      ['fe80::1', /IPv6 link-local/],
      ['febf:ffff::1', /IPv6 link-local/],
      ['fd00:ec2::254', /cloud metadata/],
      ['fd00:ec2:0:0:0:0:0:254', /cloud metadata/],
      // IPv4 inside IPv6: mapped, SIIT-translated, compatible, NAT64 (well-known and local-use), 6to4, Teredo.
      ['::ffff:169.254.169.254', /169\.254\.169\.254 inside IPv6/],
      ['::ffff:a9fe:a9fe', /169\.254\.169\.254 inside IPv6/],
      ['::ffff:0:a9fe:a9fe', /169\.254\.169\.254 inside IPv6/],
      ['::ffff:0:169.254.169.254', /169\.254\.169\.254 inside IPv6/],
      ['::169.254.169.254', /169\.254\.169\.254 inside IPv6/],
      ['64:ff9b::a9fe:a9fe', /169\.254\.169\.254 inside IPv6/],
      ['64:ff9b::169.254.169.254', /169\.254\.169\.254 inside IPv6/],
      ['64:ff9b:1::a9fe:a9fe', /169\.254\.169\.254 inside IPv6/],
      ['64:ff9b:1:a9fe:a9:fe00::', /169\.254\.169\.254 inside IPv6/], // RFC 6052 /48 layout (u-octet skipped)
      ['64:ff9b:1:0:a9:fea9:fe00:0', /169\.254\.169\.254 inside IPv6/], // RFC 6052 /64 layout
      ['2002:a9fe:a9fe::', /169\.254\.169\.254 inside IPv6/],
      ['2002:a9fe:a9fe:1234::1', /169\.254\.169\.254 inside IPv6/],
      ['2002:6464:64c8::', /100\.100\.100\.200 inside IPv6/],
      ['2001:0:a9fe:a9fe::1', /169\.254\.169\.254 inside IPv6/], // Teredo server
      ['2001:0:4136:e378:8000:63bf:5601:5601', /169\.254\.169\.254 inside IPv6/], // Teredo client, bits inverted
      ['::ffff:192.0.0.192', /cloud metadata/],
      ['::ffff:168.63.129.16', /cloud platform/],
    ])('%s', (address, reason) => {
      expect(policy.addressReason(address)).toMatch(reason);
    });
  });

  it.each([
    '127.0.0.1',
    '::1',
    '10.0.0.5',
    '172.16.3.4',
    '192.168.1.20',
    '100.64.0.1', // carrier-grade NAT, where Tailscale puts its nodes
    'fd12:3456::1',
    '::ffff:10.0.0.1',
    '8.8.8.8',
    '2606:4700::1111',
    '2002:0808:0808::', // 6to4 of a public address
    '192.0.0.193',
    '168.63.129.17',
  ])('allows %s by default (loopback, private, public)', (address) => {
    expect(policy.addressReason(address)).toBeNull();
  });

  it('refuses what is not an address at all', () => {
    expect(policy.addressReason('localhost')).toBe('not an IP address');
  });

  describe('configured', () => {
    const configured = EgressPolicy.from({
      blockedRanges: ['10.0.0.0/8', '127.0.0.0/8', '::1', '[fd12::]/16'],
      allowedRanges: ['10.9.0.0/16', '169.254.7.7'],
    });

    it.each([
      ['10.1.2.3', /in a blocked range \(10\.0\.0\.0\/8\)/],
      ['127.0.0.1', /in a blocked range \(127\.0\.0\.0\/8\)/],
      ['::1', /in a blocked range \(::1\/128\)/],
      ['fd12:3456::1', /in a blocked range \(fd12::\/16\)/],
      ['::ffff:10.1.2.3', /10\.1\.2\.3 inside IPv6/],
      ['2002:0a01:0203::', /10\.1\.2\.3 inside IPv6/],
      ['169.254.169.254', /link-local/],
    ])('refuses %s', (address, reason) => {
      expect(configured.addressReason(address)).toMatch(reason);
    });

    it.each(['10.9.1.1', '::ffff:10.9.1.1', '169.254.7.7', '192.168.1.1', '8.8.8.8'])(
      'allows %s (an exception or not listed)',
      (address) => {
        expect(configured.addressReason(address)).toBeNull();
      },
    );
  });

  it('an invalid entry is a module option error naming it', () => {
    expect(() => EgressPolicy.from({ blockedRanges: ['10.0.0.0/8', '10.0.0.0/33'] })).toThrow(InvalidModuleOptionError);
    expect(() => EgressPolicy.from({ blockedRanges: ['10.0.0.0/8', '10.0.0.0/33'] })).toThrow(
      'ProvidersModule option egress.blockedRanges[1] must be an IP address or CIDR range',
    );
    expect(() => EgressPolicy.from({ allowedRanges: ['example.com'] })).toThrow(/egress\.allowedRanges\[0\]/);
  });

  it('no ranges is the default policy', () => {
    expect(EgressPolicy.from({})).toBe(EgressPolicy.DEFAULT);
    expect(EgressPolicy.from({ blockedRanges: [], allowedRanges: [] })).toBe(EgressPolicy.DEFAULT);
  });
});

describe(parseRange.name, () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0', 8],
    ['192.168.1.20', '192.168.1.20', 32],
    [' 127.0.0.0/8 ', '127.0.0.0', 8],
    ['fd00::/8', 'fd00::', 8],
    ['::1', '::1', 128],
    ['[fe80::]/10', 'fe80::', 10],
    ['0.0.0.0/0', '0.0.0.0', 0],
  ])('%s', (text, address, bits) => {
    const range = parseRange(text);
    expect(range && [range[0].toString(), range[1]]).toEqual([address, bits]);
  });

  it.each(['', '10.0.0.0/33', '::/129', '10.0.0', '0xa9fea9fe', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/x', 'fe80::1%eth0', 'example.com'])(
    'refuses %j',
    (text) => {
      expect(parseRange(text)).toBeNull();
    },
  );

  it('names the first invalid entry of a list', () => {
    expect(firstInvalidRange(['10.0.0.0/8', 'nope', 'x'])).toBe('nope');
    expect(firstInvalidRange(['10.0.0.0/8'])).toBeNull();
  });
});
