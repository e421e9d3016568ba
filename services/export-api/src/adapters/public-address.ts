import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** Global unicast IPv6 (RFC 4291): everything a public receiver can have. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/**
 * IPv6 prefixes that carry an IPv4 address and, through a translator, a tunnel or a dual
 * stack, reach it: each is judged as the IPv4 address it reaches.
 */
const EMBEDDED_IPV4: { prefix: [IPv6, number]; at: number }[] = [
  { prefix: ipaddr.IPv6.parseCIDR('::/96'), at: 12 }, // IPv4-compatible (RFC 4291, deprecated)
  { prefix: ipaddr.IPv6.parseCIDR('::ffff:0:0/96'), at: 12 }, // IPv4-mapped
  { prefix: ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96'), at: 12 }, // IPv4-translated (RFC 6145)
  { prefix: ipaddr.IPv6.parseCIDR('64:ff9b::/96'), at: 12 }, // NAT64 (RFC 6052)
  { prefix: ipaddr.IPv6.parseCIDR('2002::/16'), at: 2 }, // 6to4 (RFC 3056)
];

function ipv4Problem(address: IPv4): string | null {
  const range = address.range();
  return range === 'unicast' ? null : `${address.toString()} (${range})`;
}

function ipv6Problem(address: IPv6): string | null {
  const range = address.range();
  if (range === 'loopback' || range === 'unspecified') return `${address.toString()} (${range})`;
  for (const { prefix, at } of EMBEDDED_IPV4) {
    if (!address.match(prefix)) continue;
    const embedded = new ipaddr.IPv4(address.toByteArray().slice(at, at + 4));
    const problem = ipv4Problem(embedded);
    return problem && `${address.toString()}, which reaches ${problem}`;
  }
  if (range !== 'unicast' || !address.match(GLOBAL_UNICAST))
    return `${address.toString()} (${range === 'unicast' ? 'not global unicast' : range})`;
  return null;
}

/**
 * Why an address may not receive webhooks, or null when it is public: IPv4 must be public
 * unicast; IPv6 must be global unicast, and an IPv6 form that embeds an IPv4 address (mapped,
 * compatible, NAT64, 6to4) is judged by that IPv4 address. Teredo and every special range are
 * refused outright.
 */
export function nonPublicAddress(address: string): string | null {
  let parsed: IPv4 | IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return `${address} (not an IP address)`;
  }
  return parsed.kind() === 'ipv4' ? ipv4Problem(parsed as IPv4) : ipv6Problem(parsed as IPv6);
}
