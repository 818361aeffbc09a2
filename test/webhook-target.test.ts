import { describe, expect, it } from 'vitest';
import {
  addressProblem,
  resolveTarget,
  TargetRefused,
  urlProblem,
  type Resolve,
  type TargetPolicy,
} from '../src/webhooks/target.ts';

const strict: TargetPolicy = { allowInsecure: false };
const insecure: TargetPolicy = { allowInsecure: true };

/** A resolver that answers from a table, as a DNS server under someone else's control might. */
function fakeResolve(answers: Record<string, string[]>): Resolve {
  return (hostname) => {
    const addresses = answers[hostname];
    if (!addresses) return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${hostname}`));
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

describe('addressProblem', () => {
  const forbidden: ReadonlyArray<readonly [string, string]> = [
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network, 0/8'],
    ['::', 'unspecified IPv6'],
    ['10.0.0.1', 'private 10/8'],
    ['10.255.255.255', 'private 10/8, its last address'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.254', 'private 172.16/12, its end'],
    ['192.168.1.1', 'private 192.168/16'],
    ['100.64.0.1', 'shared CGNAT 100.64/10'],
    ['100.127.255.254', 'shared CGNAT 100.64/10, its end'],
    ['169.254.1.1', 'link-local 169.254/16'],
    ['fe80::1', 'link-local fe80::/10'],
    ['febf::1', 'link-local fe80::/10, its end'],
    ['fe80::1%eth0', 'link-local with a zone id'],
    ['169.254.169.254', 'AWS, GCP and Azure metadata'],
    ['fd00:ec2::254', 'AWS metadata over IPv6'],
    ['100.100.100.200', 'Alibaba metadata'],
    ['fc00::1', 'unique-local fc00::/7'],
    ['fdff:ffff::1', 'unique-local fc00::/7, its upper half'],
    ['224.0.0.1', 'multicast 224/4'],
    ['239.255.255.250', 'multicast 224/4, SSDP'],
    ['ff02::1', 'multicast ff00::/8'],
    ['240.0.0.1', 'reserved 240/4'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'benchmarking 198.18/15'],
    ['198.19.255.254', 'benchmarking 198.18/15, its end'],
    ['192.0.2.1', 'documentation TEST-NET-1'],
    ['198.51.100.1', 'documentation TEST-NET-2'],
    ['203.0.113.1', 'documentation TEST-NET-3'],
    ['2001:db8::1', 'documentation IPv6'],
    ['192.0.0.1', 'IETF protocol assignments'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:a00:1', 'IPv4-mapped private, written in hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:192.168.0.1', 'IPv4-mapped private 192.168/16'],
    ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
    ['::10.0.0.1', 'IPv4-compatible (deprecated) form'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated (SIIT) form'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['2002:a00:1::', '6to4 of 10.0.0.1'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'Teredo'],
    ['fec0::1', 'deprecated site-local'],
  ];

  it.each(forbidden)(
    'when the address is %s (%s), then it is refused, even where insecure targets are allowed',
    (address) => {
      expect(addressProblem(address, strict)).toBeTypeOf('string');
      expect(addressProblem(address, insecure)).toBeTypeOf('string');
    },
  );

  it.each(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '::ffff:169.254.169.254'])(
    'when the address is the metadata service %s, then the reason names it',
    (address) => {
      expect(addressProblem(address, strict)).toBe('a cloud metadata address');
    },
  );

  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])(
    'when the address is loopback %s, then it is refused unless insecure targets are allowed',
    (address) => {
      expect(addressProblem(address, strict)).toBe('a loopback address');
      expect(addressProblem(address, insecure)).toBeUndefined();
    },
  );

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '198.20.0.1',
    '223.255.255.254',
    '2606:4700::1111',
    '2a00:1450:4001:81c::200e',
    '::ffff:93.184.216.34',
  ])('when the address is public %s, then it is allowed', (address) => {
    expect(addressProblem(address, strict)).toBeUndefined();
  });

  it.each(['', 'localhost', '[::1]', '10.0.0', '1.2.3.4.5'])(
    'when %j is not an IP address, then it is refused as such',
    (address) => {
      expect(addressProblem(address, insecure)).toBe('not an IP address');
    },
  );
});

describe('urlProblem', () => {
  const refused: ReadonlyArray<readonly [string, TargetPolicy]> = [
    ['http://hooks.example.com/hook', strict],
    ['ftp://hooks.example.com/hook', insecure],
    ['file:///etc/passwd', insecure],
    ['javascript:alert(1)', insecure],
    ['hooks.example.com/hook', insecure],
    ['not a url', insecure],
    ['https://user:pw@hooks.example.com/hook', strict],
    ['https://user@hooks.example.com/hook', strict],
    ['https://:pw@hooks.example.com/hook', strict],
    ['http://user:pw@127.0.0.1/hook', insecure],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, strict],
    ['https://10.0.0.1/hook', strict],
    ['https://0x0a.0.0.1/hook', strict],
    ['https://167772161/hook', strict],
    ['https://169.254.169.254/latest/meta-data', insecure],
    ['https://[fd00:ec2::254]/latest/meta-data', insecure],
    ['https://[::ffff:10.0.0.1]/hook', strict],
    ['https://[::ffff:169.254.169.254]/hook', insecure],
    ['https://[fc00::1]/hook', strict],
    ['https://[fe80::1]/hook', strict],
    ['https://127.0.0.1/hook', strict],
    ['https://[::1]/hook', strict],
    ['https://0.0.0.0/hook', insecure],
    ['https://[::]/hook', insecure],
  ];

  it.each(refused)(
    'when the URL is %s (insecure allowed: %o), then it is refused',
    (url, policy) => {
      const problem = urlProblem(url, policy.allowInsecure ? insecure : strict);
      expect(problem).toBeTypeOf('string');
      expect(problem!.length).toBeLessThan(200);
    },
  );

  it.each([
    ['https://hooks.example.com/hook?x=1', strict],
    ['https://93.184.216.34/hook', strict],
    ['https://[2606:4700::1111]/hook', strict],
    ['https://[2606:4700::1111]:8443/hook', strict],
    ['http://hooks.example.com/hook', insecure],
    ['http://127.0.0.1:8080/hook', insecure],
    ['http://[::1]:8080/hook', insecure],
    [`https://hooks.example.com/${'a'.repeat(2000)}`, strict],
  ] as const)('when the URL is %s (insecure allowed: %o), then it is allowed', (url, policy) => {
    expect(urlProblem(url, policy)).toBeUndefined();
  });

  it('when a URL is refused, then the reason says why in words a client can act on', () => {
    expect(urlProblem('http://hooks.example.com/hook', strict)).toBe('must be https');
    expect(urlProblem('https://user:pw@hooks.example.com/', strict)).toBe(
      'must not carry a user or password',
    );
    expect(urlProblem('https://[::ffff:10.0.0.1]/hook', strict)).toMatch(/not a public address/);
    expect(urlProblem('https://127.0.0.1/hook', strict)).toBe('127.0.0.1 is a loopback address');
  });
});

describe('resolveTarget, the check at delivery', () => {
  const url = (text: string) => new URL(text);

  it('when a harmless-looking name resolves to the metadata address, then it is refused', async () => {
    const resolve = fakeResolve({ 'hooks.example.com': ['169.254.169.254'] });
    const refusal = resolveTarget(url('https://hooks.example.com/hook'), strict, resolve);
    await expect(refusal).rejects.toBeInstanceOf(TargetRefused);
    await expect(refusal).rejects.toThrow(
      'hooks.example.com resolves to 169.254.169.254, a cloud metadata address',
    );
  });

  it('when a name resolves to a private address in mapped IPv6, then it is refused', async () => {
    const resolve = fakeResolve({ 'hooks.example.com': ['::ffff:10.0.0.7'] });
    await expect(
      resolveTarget(url('https://hooks.example.com/hook'), insecure, resolve),
    ).rejects.toThrow(TargetRefused);
  });

  it.each([
    [['93.184.216.34', '10.0.0.5']],
    [['10.0.0.5', '93.184.216.34']],
    [['2606:4700::1111', 'fd00:ec2::254']],
    [['93.184.216.34', '127.0.0.1']],
  ])(
    'when a name answers %j, an allowed address and a forbidden one, then it is refused',
    async (addresses) => {
      const resolve = fakeResolve({ 'hooks.example.com': addresses });
      await expect(
        resolveTarget(url('https://hooks.example.com/hook'), strict, resolve),
      ).rejects.toThrow(TargetRefused);
    },
  );

  it('when every answer is allowed, then the first is the one to connect to', async () => {
    const resolve = fakeResolve({ 'hooks.example.com': ['2606:4700::1111', '93.184.216.34'] });
    await expect(
      resolveTarget(url('https://hooks.example.com/hook'), strict, resolve),
    ).resolves.toEqual({ address: '2606:4700::1111', family: 6 });
  });

  it('when a name does not resolve, or resolves to nothing, then it is refused', async () => {
    const resolve = fakeResolve({ 'empty.example.com': [] });
    await expect(
      resolveTarget(url('https://missing.example.com/hook'), strict, resolve),
    ).rejects.toThrow('missing.example.com does not resolve');
    await expect(
      resolveTarget(url('https://empty.example.com/hook'), strict, resolve),
    ).rejects.toThrow('empty.example.com does not resolve');
  });

  it('when the host is an IP literal, then it is taken as it is, not resolved', async () => {
    const resolve: Resolve = () => Promise.reject(new Error('a literal must not be resolved'));
    await expect(
      resolveTarget(url('https://[2606:4700::1111]/hook'), strict, resolve),
    ).resolves.toEqual({ address: '2606:4700::1111', family: 6 });
    await expect(
      resolveTarget(url('https://93.184.216.34/hook'), strict, resolve),
    ).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(resolveTarget(url('https://[::1]/hook'), strict, resolve)).rejects.toThrow(
      TargetRefused,
    );
  });

  it('when loopback is the answer, then it is allowed only where insecure targets are', async () => {
    const resolve = fakeResolve({ 'hooks.example.test': ['127.0.0.1'] });
    const target = url('http://hooks.example.test/hook');
    await expect(resolveTarget(target, strict, resolve)).rejects.toThrow('a loopback address');
    await expect(resolveTarget(target, insecure, resolve)).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
  });
});
