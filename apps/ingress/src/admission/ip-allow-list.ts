// A key's `allow_ips` (CIDRs or single addresses, IPv4 and IPv6) as a matcher for the caller's address. Built on
// Node's own `net.BlockList`, which already compares IPv4 against IPv4-mapped IPv6 (`::ffff:10.0.0.1`) both ways,
// so a dual-stack listener (which reports IPv4 callers in the mapped form) matches an IPv4 rule. Pure: no I/O;
// compiled once per key record (records are replaced, never mutated, when a key changes).
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface IpAllowList {
  /** True when the list is empty (any address) or the address is inside one of its entries. */
  allows(ip: string | null): boolean;
}

const ANY: IpAllowList = { allows: () => true };

/**
 * Compiles a list of `a.b.c.d[/n]` and `x:y::z[/n]` entries. An entry that is not a valid address or prefix
 * matches nothing (fail closed: a typo in an allow-list must not open the key to everyone).
 */
export function compileIpAllowList(entries: readonly string[]): IpAllowList {
  if (entries.length === 0) return ANY;
  const list = new BlockList();
  for (const entry of entries) {
    const rule = parseEntry(entry);
    if (rule) list.addSubnet(rule.address, rule.prefix, rule.family);
  }
  return {
    allows(ip) {
      const address = ip === null ? null : normaliseAddress(ip);
      if (address === null) return false;
      return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
    },
  };
}

/** Whether an entry is a valid address or CIDR (for validating configuration at boot). */
export function isCidr(entry: string): boolean {
  return parseEntry(entry) !== null;
}

interface Rule {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function parseEntry(entry: string): Rule | null {
  const [rawAddress, rawPrefix, extra] = entry.trim().split('/');
  if (extra !== undefined || rawAddress === undefined) return null;
  const address = normaliseAddress(rawAddress);
  if (address === null) return null;
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  const max = family === 'ipv4' ? 32 : 128;
  if (rawPrefix === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = Number(rawPrefix);
  return prefix <= max ? { address, prefix, family } : null;
}

/** A literal address without brackets or zone id (`[fe80::1%eth0]` → `fe80::1`), or null if it is none. */
function normaliseAddress(raw: string): string | null {
  let address = raw.trim();
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  return isIPv4(address) || isIPv6(address) ? address : null;
}
