import { compileIpAllowList, isCidr } from './ip-allow-list';

describe('compileIpAllowList', () => {
  it.each<[string, string[], string | null, boolean]>([
    ['an empty list allows anyone', [], '203.0.113.7', true],
    ['an empty list allows an unknown address', [], null, true],
    ['IPv4 inside a /8', ['10.0.0.0/8'], '10.200.1.2', true],
    ['IPv4 outside a /8', ['10.0.0.0/8'], '11.0.0.1', false],
    ['IPv4 at the edge of a /24', ['192.168.1.0/24'], '192.168.1.255', true],
    ['IPv4 just past a /24', ['192.168.1.0/24'], '192.168.2.0', false],
    ['a single IPv4 address', ['203.0.113.7'], '203.0.113.7', true],
    ['a single IPv4 address, other caller', ['203.0.113.7'], '203.0.113.8', false],
    ['/32', ['203.0.113.7/32'], '203.0.113.7', true],
    ['/0 allows every IPv4 address', ['0.0.0.0/0'], '198.51.100.1', true],
    ['host bits in the rule are ignored', ['10.1.2.3/8'], '10.9.9.9', true],
    ['IPv4-mapped IPv6 caller against an IPv4 rule', ['10.0.0.0/8'], '::ffff:10.1.2.3', true],
    ['IPv4-mapped IPv6 caller outside an IPv4 rule', ['10.0.0.0/8'], '::ffff:11.1.2.3', false],
    ['mapped caller in hex form', ['10.0.0.0/8'], '::ffff:a01:203', true],
    ['IPv4 caller against an IPv4-mapped rule', ['::ffff:10.0.0.0/104'], '10.3.4.5', true],
    ['IPv6 inside a /32', ['2001:db8::/32'], '2001:db8:1::1', true],
    ['IPv6 outside a /32', ['2001:db8::/32'], '2001:db9::1', false],
    ['IPv6 loopback', ['::1'], '::1', true],
    ['IPv6 with a zone id', ['fe80::/10'], 'fe80::1%eth0', true],
    ['IPv6 in brackets', ['2001:db8::/32'], '[2001:db8::5]', true],
    ['an IPv6 rule does not admit IPv4', ['2001:db8::/32'], '10.0.0.1', false],
    ['an IPv4 rule does not admit plain IPv6', ['0.0.0.0/0'], '2001:db8::1', false],
    ['several entries, second matches', ['10.0.0.0/8', '2001:db8::/32'], '2001:db8::9', true],
    ['an unknown caller address is refused', ['10.0.0.0/8'], null, false],
    ['a caller that is not an address is refused', ['10.0.0.0/8'], 'localhost', false],
    ['a prefix past 32 matches nothing', ['10.0.0.0/33'], '10.0.0.1', false],
    ['a prefix past 128 matches nothing', ['::/129'], '::1', false],
    ['an invalid address matches nothing', ['999.1.1.1/8'], '999.1.1.1', false],
    ['a malformed entry matches nothing', ['10.0.0.0/8/8'], '10.0.0.1', false],
    ['a malformed entry does not spoil the others', ['nonsense', '10.0.0.0/8'], '10.0.0.1', true],
  ])('%s', (_, entries, ip, allowed) => {
    expect(compileIpAllowList(entries).allows(ip)).toBe(allowed);
  });
});

describe('isCidr', () => {
  it.each<[string, boolean]>([
    ['10.0.0.0/8', true],
    ['127.0.0.1', true],
    ['::1/128', true],
    ['fd00::/8', true],
    ['10.0.0.0/33', false],
    ['loopback', false],
    ['', false],
  ])('%s → %s', (entry, valid) => {
    expect(isCidr(entry)).toBe(valid);
  });
});
