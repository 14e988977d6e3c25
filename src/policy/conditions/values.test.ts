import { describe, expect, it } from 'vitest';
import { parseDate } from './date.js';
import { parseAddress, parseCidr } from './ip.js';
import { parseNumber } from './numeric.js';
import { operatorNames, parseOperatorName } from './operators.js';

describe('condition value parsing', () => {
  it('dates: ISO 8601 (no zone = UTC) and epoch seconds', () => {
    expect(parseDate('2026-11-22')).toBe(Date.UTC(2026, 10, 22));
    expect(parseDate('2026-11-22T10:00Z')).toBe(Date.UTC(2026, 10, 22, 10));
    expect(parseDate('2026-11-22T12:00:00+0200')).toBe(Date.UTC(2026, 10, 22, 10));
    expect(parseDate('2026-11-22T10:00:00.5')).toBe(Date.UTC(2026, 10, 22, 10, 0, 0, 500));
    expect(parseDate('1700000000')).toBe(1_700_000_000_000);
    expect(parseDate('tomorrow')).toBeNaN();
  });

  it('numbers', () => {
    expect(parseNumber('-1.5e3')).toBe(-1500);
    expect(parseNumber('0x10')).toBeNaN();
    expect(parseNumber('')).toBeNaN();
  });

  it('addresses and CIDRs', () => {
    expect(parseAddress('::ffff:10.0.0.1')).toEqual({ v6: false, n: 0x0a000001 });
    expect(parseAddress('fe80::1%eth0')?.v6).toBe(true);
    expect(parseAddress('1.2.3')).toBeUndefined();
    expect(parseCidr('0.0.0.0/0')).toEqual({ v6: false, net: 0, mask: 0 });
    expect(parseCidr('10.1.2.3/8')).toEqual({ v6: false, net: 0x0a000000, mask: 0xff000000 });
    expect(parseCidr('::/0')?.v6).toBe(true);
    expect(parseCidr('10.0.0.0/x')).toBeUndefined();
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
  });

  it('operator names with qualifiers and IfExists', () => {
    expect(operatorNames()).toHaveLength(27);
    expect(parseOperatorName('ForAllValues:StringLikeIfExists')).toMatchObject({
      qualifier: 'all',
      ifExists: true,
    });
    expect(parseOperatorName('ForAnyValue:NumericLessThan')).toMatchObject({
      qualifier: 'any',
      ifExists: false,
    });
    expect(parseOperatorName('ForAnyValue:Null')).toBe('Null does not take a set qualifier');
  });
});
