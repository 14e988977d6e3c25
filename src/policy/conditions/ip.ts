import { isIPv4, isIPv6 } from 'node:net';
import { constant, type Fail, type OperatorSpec } from './types.js';

/** IpAddress / NotIpAddress: IPv4 and IPv6 CIDR blocks (a bare address is a /32 or /128). */

/** A parsed address: IPv4 as a 32-bit number, IPv6 as a 128-bit bigint. */
type Address = { v6: false; n: number } | { v6: true; n: bigint };

function v4(s: string): number {
  return s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function v6(s: string): bigint {
  let text = s;
  const dot = text.lastIndexOf(':');
  if (text.includes('.')) {
    const n = v4(text.slice(dot + 1));
    text = `${text.slice(0, dot + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const hs = head === '' ? [] : head.split(':');
  const ts = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** Parses an address; IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4. Undefined when invalid. */
export function parseAddress(raw: string): Address | undefined {
  const s = raw.trim().replace(/%.*$/, '');
  if (isIPv4(s)) return { v6: false, n: v4(s) };
  if (!isIPv6(s)) return undefined;
  const n = v6(s);
  if (n >> 32n === 0xffffn) return { v6: false, n: Number(n & 0xffffffffn) };
  return { v6: true, n };
}

/** A compiled CIDR block. */
type Block = { v6: false; net: number; mask: number } | { v6: true; net: bigint; mask: bigint };

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address; undefined when invalid. */
export function parseCidr(raw: string): Block | undefined {
  const [addr, bits, extra] = raw.trim().split('/');
  if (extra !== undefined || addr === undefined) return undefined;
  const a = parseAddress(addr);
  const max = a?.v6 || (a !== undefined && isIPv6(addr)) ? 128 : 32;
  if (a === undefined || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return undefined;
  let prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return undefined;
  if (!a.v6) {
    if (max === 128) prefix = Math.max(0, prefix - 96);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { v6: false, net: (a.n & mask) >>> 0, mask };
  }
  const all = (1n << 128n) - 1n;
  const mask = all ^ ((1n << BigInt(128 - prefix)) - 1n);
  return { v6: true, net: a.n & mask, mask };
}

function contains(b: Block, a: Address): boolean {
  if (!b.v6 && !a.v6) return (a.n & b.mask) >>> 0 === b.net;
  if (b.v6 && a.v6) return (a.n & b.mask) === b.net;
  return false;
}

function ipOp(name: string, negated: boolean): OperatorSpec {
  return {
    name,
    negated,
    compile(values: readonly string[], _variables: boolean, fail: Fail) {
      const blocks = values.map(
        (v) => parseCidr(v) ?? fail(`operator needs IP address or CIDR values, got "${v}"`),
      );
      return constant((v) => {
        const a = parseAddress(v);
        return a !== undefined && blocks.some((b) => contains(b, a));
      });
    },
  };
}

export const ipOperators: readonly OperatorSpec[] = [ipOp('IpAddress', false), ipOp('NotIpAddress', true)];
