import * as ipaddr from 'ipaddr.js';
import { InvalidModuleOptionError } from '../kernel/registry-settings';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/** What a host app (ProvidersModule `egress`) or our server (EGRESS_*_RANGES) configures. */
export interface EgressOptions {
  /** More ranges probes must never connect to, added to the built-in ones (e.g. `10.0.0.0/8`). */
  blockedRanges?: string[];
  /** Exceptions: addresses in these ranges are allowed even inside a blocked range, built-in ones included. */
  allowedRanges?: string[];
}

/**
 * Hosts that answer with cloud credentials or instance data. Probes send API keys, so a base URL
 * pointing here would hand a key (and a response) to the metadata service. The names are refused as
 * text; what any other name resolves to is checked when the probe connects (probe-egress.ts).
 */
const METADATA_HOSTNAMES = new Set([
  'metadata', // GCP (search domain), also resolved inside many clusters
  'metadata.google.internal',
  'metadata.goog',
  'instance-data', // AWS (search domain)
  'instance-data.ec2.internal',
]);

/**
 * Refused unless allowedRanges says otherwise. Loopback and private ranges are NOT here on purpose:
 * Ollama and self-hosted OpenAI-compatible servers live there; an operator who wants them refused
 * adds them to blockedRanges.
 */
const BUILT_IN_BLOCKED: ReadonlyArray<{ range: string; reason: string }> = [
  { range: '169.254.0.0/16', reason: 'link-local / cloud metadata address' }, // AWS, GCP, Azure, OpenStack… at 169.254.169.254
  { range: '100.100.100.200/32', reason: 'cloud metadata address' }, // Alibaba Cloud
  { range: '192.0.0.192/32', reason: 'cloud metadata address' }, // Oracle Cloud
  { range: '168.63.129.16/32', reason: 'cloud platform address' }, // Azure WireServer (also hands out keys)
  { range: 'fe80::/10', reason: 'IPv6 link-local address' },
  { range: 'fd00:ec2::254/128', reason: 'cloud metadata address' }, // AWS IMDS over IPv6
];

const RANGE_RULE = 'must be an IP address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.20, fd00::/8)';

/** An IPv4 (four-part decimal) or IPv6 address, optionally with a prefix length; null when it is neither. */
export function parseRange(text: string): Range | null {
  const value = text.trim().replace(/^\[(.*)\](\/\d+)?$/, '$1$2');
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return null;
  let parsed: Address;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) parsed = ipaddr.IPv4.parse(address);
  else if (ipaddr.IPv6.isValid(address) && !address.includes('%')) parsed = ipaddr.IPv6.parse(address);
  else return null;
  const max = parsed.kind() === 'ipv4' ? 32 : 128;
  const bits = prefix === undefined ? max : Number(prefix);
  return bits <= max ? [parsed, bits] : null;
}

/** The first entry of a list that is not a valid range, or null when all are. */
export function firstInvalidRange(entries: readonly string[]): string | null {
  return entries.find((entry) => parseRange(entry) === null) ?? null;
}

/**
 * Which addresses probes may connect to. Every address is looked at in each form it can take:
 * itself, and any IPv4 address embedded in an IPv6 one (mapped, translated, compatible, NAT64 well-known
 * and local-use, 6to4, Teredo) — each of those can reach the IPv4 host through a gateway or the stack.
 */
export class EgressPolicy {
  static readonly DEFAULT = new EgressPolicy([], []);

  private readonly blocked: ReadonlyArray<{ range: Range; reason: string }>;
  private readonly allowed: readonly Range[];

  private constructor(blockedRanges: readonly Range[], allowedRanges: readonly Range[]) {
    this.blocked = [
      ...BUILT_IN_BLOCKED.map(({ range, reason }) => ({ range: parseRange(range) as Range, reason })),
      ...blockedRanges.map((range) => ({ range, reason: `in a blocked range (${range[0].toString()}/${range[1]})` })),
    ];
    this.allowed = allowedRanges;
  }

  /** Throws InvalidModuleOptionError naming the first bad entry, like every other module option. */
  static from(options: EgressOptions = {}): EgressPolicy {
    const parse = (list: string[] | undefined, option: string) =>
      (list ?? []).map((entry, i) => {
        const range = typeof entry === 'string' ? parseRange(entry) : null;
        if (!range) throw new InvalidModuleOptionError(`egress.${option}[${i}]`, RANGE_RULE);
        return range;
      });
    const blocked = parse(options.blockedRanges, 'blockedRanges');
    const allowed = parse(options.allowedRanges, 'allowedRanges');
    return blocked.length === 0 && allowed.length === 0 ? EgressPolicy.DEFAULT : new EgressPolicy(blocked, allowed);
  }

  /** Why a probe must not connect to this resolved address (canonical text, as DNS returns it), or null. */
  addressReason(text: string): string | null {
    let address: Address;
    try {
      address = ipaddr.parse(text);
    } catch {
      return 'not an IP address';
    }
    const own = this.formReason(address);
    if (own) return own;
    if (address.kind() === 'ipv6') {
      for (const v4 of embeddedIPv4(address as ipaddr.IPv6)) {
        const reason = this.formReason(v4);
        if (reason) return `${reason} (${v4.toString()} inside IPv6)`;
      }
    }
    return null;
  }

  /**
   * Why a URL host (WHATWG-canonical `url.hostname`: IPv4 dotted, IPv6 in brackets, names lower-cased)
   * is refused as written, or null. A name passes here; what it resolves to is checked at connect time.
   */
  hostReason(hostname: string): string | null {
    const host = hostname.replace(/\.$/, '');
    if (host === '') return 'empty host';
    if (METADATA_HOSTNAMES.has(host)) return 'cloud metadata service';
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (ipaddr.IPv4.isValidFourPartDecimal(bare) || (bare !== host && ipaddr.IPv6.isValid(bare))) return this.addressReason(bare);
    return null;
  }

  private formReason(address: Address): string | null {
    const inRange = ([network, bits]: Range) => network.kind() === address.kind() && address.match(network, bits);
    if (this.allowed.some(inRange)) return null;
    return this.blocked.find(({ range }) => inRange(range))?.reason ?? null;
  }
}

const NAT64_LOCAL_PREFIX = ipaddr.parseCIDR('64:ff9b:1::/48') as [ipaddr.IPv6, number];

/** Every IPv4 address that traffic to this IPv6 address may end up at. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const b = address.toByteArray();
  const v4 = (bytes: number[]) => new ipaddr.IPv4(bytes);
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const found: ipaddr.IPv4[] = [];
  const last32 = b.slice(12, 16);
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (SIIT translated), ::a.b.c.d (compatible, deprecated).
  if (zero(0, 10) && ((b[10] === 0xff && b[11] === 0xff) || (b[10] === 0 && b[11] === 0))) found.push(v4(last32));
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) found.push(v4(last32));
  // NAT64 well-known prefix 64:ff9b::/96.
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) found.push(v4(last32));
  // NAT64 local-use 64:ff9b:1::/48, with any RFC 6052 prefix length inside it (the u-octet, byte 8, is skipped).
  if (address.match(NAT64_LOCAL_PREFIX)) {
    for (const start of [6, 7, 9, 12]) {
      const bytes = b
        .slice(start, 16)
        .filter((_, i) => start + i !== 8)
        .slice(0, 4);
      found.push(v4(bytes));
    }
  }
  // 6to4 2002:AABB:CCDD::/48.
  if (b[0] === 0x20 && b[1] === 0x02) found.push(v4(b.slice(2, 6)));
  // Teredo 2001:0::/32: the server in bytes 4–7, the client (bit-inverted) in 12–15.
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) {
    found.push(v4(b.slice(4, 8)), v4(last32.map((x) => x ^ 0xff)));
  }
  return found;
}
