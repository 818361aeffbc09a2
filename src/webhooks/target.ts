import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Whether http and loopback targets are allowed: for local use and tests only. */
export interface TargetPolicy {
  allowInsecure: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** A target refused by the guard; its message says why, for the delivery log. */
export class TargetRefused extends Error {}

function subnets(entries: ReadonlyArray<readonly [string, number]>): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of entries) {
    list.addSubnet(address, prefix, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** Cloud metadata services: named apart because they hand out credentials. */
const metadata = subnets([
  ['169.254.169.254', 32],
  ['fd00:ec2::254', 128],
  ['100.100.100.200', 32],
]);
const loopback = subnets([
  ['127.0.0.0', 8],
  ['::1', 128],
]);
/**
 * Everything that is not a public unicast address. BlockList matches IPv4-mapped IPv6
 * addresses (::ffff:10.0.0.1) against the IPv4 subnets too.
 */
const nonPublic = subnets([
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
  ['::', 128],
  // IPv4 inside IPv6 but not mapped: the deprecated compatible form and SIIT's translated one.
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
]);

/** Why an address may not be called, or undefined when it may. */
export function addressProblem(address: string, policy: TargetPolicy): string | undefined {
  const version = isIP(address);
  if (version === 0) return 'not an IP address';
  const family = version === 6 ? 'ipv6' : 'ipv4';
  if (metadata.check(address, family)) return 'a cloud metadata address';
  if (loopback.check(address, family)) {
    return policy.allowInsecure ? undefined : 'a loopback address';
  }
  if (nonPublic.check(address, family)) return 'not a public address';
  return undefined;
}

const maxUrlLength = 2048;

/** Why a URL may not be registered, from the URL alone; undefined when it may. */
export function urlProblem(url: string, policy: TargetPolicy): string | undefined {
  if (url.length > maxUrlLength) return `longer than ${maxUrlLength} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'https:' && !(policy.allowInsecure && parsed.protocol === 'http:')) {
    return policy.allowInsecure ? 'must be http or https' : 'must be https';
  }
  if (parsed.username || parsed.password) return 'must not carry a user or password';
  if (!parsed.hostname) return 'has no host';
  const host = hostOf(parsed);
  if (isIP(host) !== 0) {
    const problem = addressProblem(host, policy);
    if (problem) return `${host} is ${problem}`;
  }
  return undefined;
}

/** The host to resolve or connect to: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The address to connect to, checked now, at delivery: every address the name resolves to
 * must be allowed, so that a name pointed at a private or metadata address after it was
 * registered (or one answering both) is refused. Throws TargetRefused with why.
 */
export async function resolveTarget(
  url: URL,
  policy: TargetPolicy,
  resolve: Resolve = systemResolve,
): Promise<ResolvedAddress> {
  const host = hostOf(url);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new TargetRefused(`${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new TargetRefused(`${host} does not resolve`);
  for (const { address } of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) throw new TargetRefused(`${host} resolves to ${address}, ${problem}`);
  }
  return addresses[0]!;
}
