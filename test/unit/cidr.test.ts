import { expect } from 'chai';
import {
  cidrContains,
  cidrRange,
  formatCidr,
  formatIp,
  isIpv4Mapped,
  isStrictSubset,
  parseCidr,
  parseIp,
  prefixMask,
  type Cidr,
  type IpFamily,
} from '../../src/model/cidr.js';

function canon(text: string, strict = false): string | null {
  const c = parseCidr(text, { strict });
  return c === null ? null : formatCidr(c.family, c.bits, c.prefix);
}

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (c === null) throw new Error(`test setup: ${text} does not parse`);
  return c;
}

describe('model/cidr: parseCidr (sloppy, the API server default)', () => {
  it('parses IPv4 prefixes to masked bits', () => {
    expect(parseCidr('10.0.0.0/8')).to.deep.equal({ family: 4, bits: 0x0a000000n, prefix: 8, hostBitsSet: false });
    expect(parseCidr('192.168.1.5/24')).to.deep.equal({ family: 4, bits: 0xc0a80100n, prefix: 24, hostBitsSet: true });
    expect(parseCidr('0.0.0.0/0')).to.deep.equal({ family: 4, bits: 0n, prefix: 0, hostBitsSet: false });
    expect(parseCidr('255.255.255.255/32')).to.deep.equal({ family: 4, bits: 0xffffffffn, prefix: 32, hostBitsSet: false });
    expect(parseCidr('255.255.255.255/0')).to.deep.equal({ family: 4, bits: 0n, prefix: 0, hostBitsSet: true });
  });

  it('accepts leading zeros as decimal (never octal), in octets and in the prefix length', () => {
    expect(canon('010.0.0.0/8')).to.equal('10.0.0.0/8');
    expect(canon('192.168.000.001/032')).to.equal('192.168.0.1/32');
    expect(canon('10.0.0.0/08')).to.equal('10.0.0.0/8');
    expect(canon('0000000000000010.0.0.0/8')).to.equal('10.0.0.0/8');
  });

  it('parses IPv6, including :: compression and upper case', () => {
    expect(parseCidr('::/0')).to.deep.equal({ family: 6, bits: 0n, prefix: 0, hostBitsSet: false });
    expect(parseCidr('::1/128')).to.deep.equal({ family: 6, bits: 1n, prefix: 128, hostBitsSet: false });
    expect(parseCidr('fd00:192:168::/48')).to.deep.equal({
      family: 6,
      bits: 0xfd000192016800000000000000000000n,
      prefix: 48,
      hostBitsSet: false,
    });
    expect(canon('2001:DB8:0:0:0:0:0:1/64')).to.equal('2001:db8::/64');
    expect(parseCidr('2001:DB8::1/64')?.hostBitsSet).to.equal(true);
    expect(canon('1:2:3:4:5:6:7:8/128')).to.equal('1:2:3:4:5:6:7:8/128');
    expect(canon('1::/16')).to.equal('1::/16');
    expect(canon('1:2:3:4:5:6:7::/128')).to.equal('1:2:3:4:5:6:7:0/128');
    expect(canon('::2:3:4:5:6:7:8/128')).to.equal('0:2:3:4:5:6:7:8/128');
    expect(canon('0001:02:003:0004::/64')).to.equal('1:2:3:4::/64');
    expect(canon('00001::/16')).to.equal('1::/16'); // Go's sloppy parser takes more than 4 hex digits
  });

  it('parses IPv4-embedded IPv6 as IPv6', () => {
    expect(parseCidr('::ffff:1.2.3.4/128')).to.deep.equal({ family: 6, bits: 0xffff01020304n, prefix: 128, hostBitsSet: false });
    expect(canon('::ffff:1.2.3.4/120')).to.equal('::ffff:1.2.3.0/120');
    expect(canon('::ffff:1.2.3.4/24')).to.equal('::/24');
    expect(canon('::1.2.3.4/128')).to.equal('::102:304/128');
    expect(canon('64:ff9b::192.0.2.33/96')).to.equal('64:ff9b::/96');
    expect(canon('1:2:3:4:5:6:1.2.3.4/128')).to.equal('1:2:3:4:5:6:102:304/128');
    expect(canon('1::5:6:1.2.3.4/128')).to.equal('1::5:6:102:304/128');
    expect(canon('::ffff:010.1.2.3/128')).to.equal('::ffff:10.1.2.3/128');
  });

  it('rejects everything else', () => {
    const bad = [
      '',
      ' ',
      '/',
      '/8',
      '10.0.0.0',
      '10.0.0.0/',
      '192.168.5.6',
      'fd00:192:168::',
      '300.300.300.300',
      '300.300.300.300/8',
      '256.0.0.0/8',
      '10.0.0/8',
      '10.0.0.0.0/8',
      '10..0.0/8',
      '.10.0.0.0/8',
      '10.0.0.0./8',
      ' 10.0.0.0/8',
      '10.0.0.0/8 ',
      '10.0.0.0 /8',
      '10.0.0.0/ 8',
      '10.0.0.0/+8',
      '10.0.0.0/-1',
      '10.0.0.0/33',
      '10.0.0.0/8/8',
      '10.0.0.0/0x8',
      '0x0a.0.0.0/8',
      '10.0.0.0/99999999999',
      '::/129',
      ':::/0',
      ':/0',
      ':1::/64',
      '1:/64',
      '1::2::3/64',
      '1:2:3:4:5:6:7:8::/128',
      '::1:2:3:4:5:6:7:8/128',
      '1:2:3:4:5:6:7:8:9/128',
      '1:2:3:4:5:6:7/128',
      '12345::/16',
      'g::/16',
      'fe80::1%eth0/64',
      '[::1]/128',
      '1:2:3:4:5:1.2.3.4/128',
      '1:2:3:4:5:6:7:1.2.3.4/128',
      '::1.2.3/128',
      '::1.2.3.4.5/128',
      '::256.0.0.0/128',
      '::1.2.3.4:5/128',
      '１0.0.0.0/8',
      '10.0.0.0/８',
    ];
    for (const text of bad) expect(parseCidr(text), JSON.stringify(text)).to.equal(null);
  });

  it('never throws on non-string input', () => {
    for (const v of [undefined, null, 10, {}, [], Symbol('x')]) {
      expect(parseCidr(v as unknown as string)).to.equal(null);
      expect(parseIp(v as unknown as string)).to.equal(null);
    }
  });
});

describe('model/cidr: parseCidr strict (StrictIPCIDRValidation rules)', () => {
  it('accepts canonical-enough prefixes', () => {
    for (const ok of ['10.0.0.0/8', '0.0.0.0/0', '1.2.3.4/32', '::/0', '2001:DB8::/32', '2001:db8:0:0::/64', 'fd00::/8', '::102:304/128']) {
      expect(canon(ok, true), ok).to.equal(canon(ok));
    }
  });

  it('rejects leading zeros, IPv4-mapped IPv6 and host bits', () => {
    for (const bad of [
      '010.0.0.0/8',
      '10.0.0.00/8',
      '10.0.0.0/08',
      '10.0.0.0/00',
      '00001::/16',
      '::ffff:1.2.3.0/120',
      '::ffff:1.2.3.0/24',
      '::ffff:0:0/96',
      '::ffff:01.2.3.0/120',
      '10.0.0.1/8',
      '2001:db8::1/64',
      '192.168.1.5/24',
    ]) {
      expect(parseCidr(bad, { strict: true }), bad).to.equal(null);
      expect(parseCidr(bad), `${bad} (sloppy)`).to.not.equal(null);
    }
  });
});

describe('model/cidr: parseIp / formatIp', () => {
  it('parses and formats addresses', () => {
    expect(parseIp('10.1.2.3')).to.deep.equal({ family: 4, bits: 0x0a010203n });
    expect(parseIp('::')).to.deep.equal({ family: 6, bits: 0n });
    expect(parseIp('10.1.2.3/32')).to.equal(null);
    expect(parseIp('010.1.2.3')).to.deep.equal({ family: 4, bits: 0x0a010203n });
    expect(parseIp('010.1.2.3', { strict: true })).to.equal(null);
    expect(parseIp('::ffff:1.2.3.4', { strict: true })).to.equal(null);
    expect(formatIp(4, 0xc0a80001n)).to.equal('192.168.0.1');
    expect(formatIp(6, 0x20010db8000000000000000000000001n)).to.equal('2001:db8::1');
  });

  it('formats IPv6 per RFC 5952', () => {
    const f = (text: string): string => formatIp(6, parseIp(text)!.bits);
    expect(f('0:0:0:0:0:0:0:0')).to.equal('::');
    expect(f('0:0:0:0:0:0:0:1')).to.equal('::1');
    expect(f('1:0:0:0:0:0:0:0')).to.equal('1::');
    expect(f('2001:0DB8:0000:0000:0000:0000:0000:0001')).to.equal('2001:db8::1'); // lower case, no leading zeros
    expect(f('2001:db8:0:0:1:0:0:1')).to.equal('2001:db8::1:0:0:1'); // tie: the first run
    expect(f('2001:0:0:1:0:0:0:1')).to.equal('2001:0:0:1::1'); // the longest run
    expect(f('2001:db8:0:1:1:1:1:1')).to.equal('2001:db8:0:1:1:1:1:1'); // a single 0 group stays
    expect(f('2001:db8::1:1:1:1:1')).to.equal('2001:db8:0:1:1:1:1:1');
    expect(f('1:0:1:0:1:0:1:0')).to.equal('1:0:1:0:1:0:1:0');
    expect(f('0:0:1:0:0:0:1:0')).to.equal('0:0:1::1:0');
    expect(f('fe80::abcd:ef01')).to.equal('fe80::abcd:ef01');
    expect(f('::ffff:1.2.3.4')).to.equal('::ffff:1.2.3.4'); // IPv4-mapped: mixed notation (§5)
    expect(f('::ffff:0:0')).to.equal('::ffff:0.0.0.0');
    expect(f('::1.2.3.4')).to.equal('::102:304'); // IPv4-compatible is not special
    expect(f('::fffe:1.2.3.4')).to.equal('::fffe:102:304');
    expect(f('1::ffff:1.2.3.4')).to.equal('1::ffff:102:304');
  });

  it('throws RangeError on out-of-range input', () => {
    expect(() => formatIp(4, 1n << 32n)).to.throw(RangeError);
    expect(() => formatIp(4, -1n)).to.throw(RangeError);
    expect(() => formatIp(6, 1n << 128n)).to.throw(RangeError);
    expect(() => formatIp(5 as IpFamily, 0n)).to.throw(RangeError);
    expect(() => formatCidr(4, 0n, 33)).to.throw(RangeError);
    expect(() => formatCidr(6, 0n, -1)).to.throw(RangeError);
    expect(() => formatCidr(6, 0n, 1.5)).to.throw(RangeError);
  });
});

describe('model/cidr: formatCidr', () => {
  it('masks host bits and formats canonically', () => {
    expect(formatCidr(4, 0x0a010203n, 8)).to.equal('10.0.0.0/8');
    expect(formatCidr(4, 0x0a010203n, 32)).to.equal('10.1.2.3/32');
    expect(formatCidr(4, 0xffffffffn, 0)).to.equal('0.0.0.0/0');
    expect(formatCidr(6, 0x20010db8000000000000000000000001n, 32)).to.equal('2001:db8::/32');
    expect(formatCidr(6, (1n << 128n) - 1n, 128)).to.equal('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128');
    expect(formatCidr(6, (1n << 128n) - 1n, 1)).to.equal('8000::/1');
    expect(canon('192.168.1.5/24')).to.equal('192.168.1.0/24');
    expect(canon('10.1.2.3/4')).to.equal('0.0.0.0/4');
  });

  it('round-trips random prefixes: parse(format(x)) == x, and format is a fixed point', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const randomBits = (family: IpFamily): bigint => {
      let bits = 0n;
      const groups = family === 4 ? 2 : 8;
      for (let g = 0; g < groups; g++) {
        // Plenty of zero groups so that :: placement gets exercised.
        const r = rand();
        const group = r < 0.4 ? 0 : r < 0.5 ? 0xffff : Math.floor(rand() * 0x10000);
        bits = (bits << 16n) | BigInt(group);
      }
      return bits;
    };
    for (let i = 0; i < 3000; i++) {
      const family: IpFamily = rand() < 0.3 ? 4 : 6;
      const width = family === 4 ? 32 : 128;
      const prefix = rand() < 0.2 ? width : Math.floor(rand() * (width + 1));
      const bits = randomBits(family);
      const text = formatCidr(family, bits, prefix);
      const back = parseCidr(text, { strict: !isIpv4Mapped(family, bits & prefixMask(family, prefix)) });
      expect(back, text).to.not.equal(null);
      expect(back!.family).to.equal(family);
      expect(back!.prefix).to.equal(prefix);
      expect(back!.bits).to.equal(bits & prefixMask(family, prefix));
      expect(back!.hostBitsSet).to.equal(false);
      expect(formatCidr(back!.family, back!.bits, back!.prefix)).to.equal(text);
      // The uncompressed, zero-padded spelling parses to the same prefix.
      if (family === 6) {
        const full = [...Array(8).keys()]
          .map((g) => ((bits >> BigInt(112 - 16 * g)) & 0xffffn).toString(16).padStart(4, '0'))
          .join(':');
        expect(canon(`${full}/${prefix}`), full).to.equal(text);
      }
    }
  });
});

describe('model/cidr: containment', () => {
  it('prefixMask and cidrRange', () => {
    expect(prefixMask(4, 0)).to.equal(0n);
    expect(prefixMask(4, 8)).to.equal(0xff000000n);
    expect(prefixMask(4, 32)).to.equal(0xffffffffn);
    expect(prefixMask(6, 128)).to.equal((1n << 128n) - 1n);
    expect(cidrRange(cidr('10.0.0.0/8'))).to.deep.equal({ first: 0x0a000000n, last: 0x0affffffn });
    expect(cidrRange(cidr('1.2.3.4/32'))).to.deep.equal({ first: 0x01020304n, last: 0x01020304n });
    expect(cidrRange(cidr('::/0'))).to.deep.equal({ first: 0n, last: (1n << 128n) - 1n });
  });

  it('cidrContains', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).to.equal(true);
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).to.equal(true);
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.255.255.255/32'))).to.equal(true);
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('11.0.0.0/32'))).to.equal(false);
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.0.0.0/7'))).to.equal(false);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('255.0.0.0/8'))).to.equal(true);
    expect(cidrContains(cidr('::/0'), cidr('10.0.0.0/8'))).to.equal(false);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('::/0'))).to.equal(false);
    expect(cidrContains(cidr('::/0'), cidr('::ffff:10.0.0.0/104'))).to.equal(true);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('::ffff:10.0.0.0/104'))).to.equal(false);
    expect(cidrContains(cidr('fd00:192:168::/48'), cidr('fd00:192:168:3::/64'))).to.equal(true);
    expect(cidrContains(cidr('fd00:192:168:1::/64'), cidr('fd00:192:168:2::/64'))).to.equal(false);
    expect(cidrContains(cidr('192.168.1.5/24'), cidr('192.168.1.200/25'))).to.equal(true);
  });

  it('isStrictSubset', () => {
    expect(isStrictSubset(cidr('192.168.0.0/16'), cidr('192.168.3.0/24'))).to.equal(true);
    expect(isStrictSubset(cidr('192.168.0.0/24'), cidr('192.168.0.0/24'))).to.equal(false);
    expect(isStrictSubset(cidr('192.168.8.0/24'), cidr('192.168.9.1/32'))).to.equal(false);
    expect(isStrictSubset(cidr('10.0.0.0/8'), cidr('fd00::/64'))).to.equal(false);
    expect(isStrictSubset(cidr('fd00:192:168::/48'), cidr('fd00:192:168:4::/64'))).to.equal(true);
    expect(isStrictSubset(cidr('::/0'), cidr('::/0'))).to.equal(false);
    expect(isStrictSubset(cidr('::/0'), cidr('::/1'))).to.equal(true);
  });

  it('agrees with a range-based definition on random pairs', () => {
    let seed = 99;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 2000; i++) {
      const family: IpFamily = rand() < 0.5 ? 4 : 6;
      const width = family === 4 ? 32 : 128;
      // Share a random-length common head so that containment actually happens.
      const base = BigInt(Math.floor(rand() * 2 ** 32)) << BigInt(width - 32);
      const mk = (): Cidr => {
        const prefix = Math.floor(rand() * (width + 1));
        const noise = BigInt(Math.floor(rand() * 2 ** 32)) << BigInt(Math.floor(rand() * (width - 31)));
        const flip = rand() < 0.5 ? noise >> BigInt(Math.floor(rand() * 8)) : 0n;
        const bits = (base ^ flip) & ((1n << BigInt(width)) - 1n);
        return { family, bits: bits & prefixMask(family, prefix), prefix };
      };
      const a = mk();
      const b = mk();
      const ra = cidrRange(a);
      const rb = cidrRange(b);
      const byRange = ra.first <= rb.first && rb.last <= ra.last;
      expect(cidrContains(a, b), `${formatCidr(a.family, a.bits, a.prefix)} ⊇ ${formatCidr(b.family, b.bits, b.prefix)}`).to.equal(byRange);
      expect(isStrictSubset(a, b)).to.equal(byRange && (ra.first !== rb.first || ra.last !== rb.last));
    }
  });
});
