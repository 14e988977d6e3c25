import { describe, expect, it } from 'vitest';
import { type Column, canonicalPg, canonicalSqlite, conversionOf, toPg } from './columns.js';
import { TableDigest } from './digest.js';

const col = (name: string, conversion: Column['conversion']): Column => ({ name, conversion });

describe('column conversions', () => {
  it('are chosen from both declared types, and refused when none is exact', () => {
    expect(conversionOf('objects', 'key', 'TEXT', 'bytea')).toBe('utf8');
    expect(conversionOf('objects', 'size', 'INTEGER', 'bigint')).toBe('int');
    expect(conversionOf('iam_ldap_users', 'suspended', 'INTEGER', 'boolean')).toBe('bool');
    expect(conversionOf('objects', 'inline_data', 'BLOB', 'bytea')).toBe('bytes');
    expect(conversionOf('iam_revocations', 'parent', 'TEXT', 'text')).toBe('parent');
    expect(conversionOf('t', 'c', 'TEXT', 'integer')).toBeUndefined();
    expect(conversionOf('t', 'c', 'BLOB', 'text')).toBeUndefined();
  });

  it('bind exact values: integers as decimal text, text only when valid UTF-8, revocation keys escaped', () => {
    expect(toPg(col('n', 'int'), 9007199254740993n)).toBe('9007199254740993');
    expect(toPg(col('b', 'bool'), 1n)).toBe(true);
    expect(() => toPg(col('b', 'bool'), 2n)).toThrow(/other than 0 or 1/);
    expect(toPg(col('t', 'text'), Buffer.from('ключ', 'utf8'))).toBe('ключ');
    expect(() => toPg(col('t', 'text'), Buffer.from([0xff, 0xfe]))).toThrow(/not valid UTF-8/);
    expect(toPg(col('p', 'parent'), Buffer.from('a\u0000b\\c'))).toBe('a\\0b\\\\c');
  });
});

describe('TableDigest', () => {
  const cols = [col('id', 'int'), col('key', 'utf8'), col('parent', 'parent'), col('on', 'bool')];
  const names = cols.map((c) => c.name);
  const sqliteRows: unknown[][] = [
    [1n, Buffer.from('a'), Buffer.from('x\u0000y'), 0n],
    [2n, Buffer.from('b'), null, 1n],
  ];
  const pgRows: unknown[][] = [
    ['2', Buffer.from('b'), null, true],
    ['1', Buffer.from('a'), 'x\\0y', false],
  ];
  const of = (rows: unknown[][], canon: typeof canonicalPg) => {
    const d = new TableDigest();
    for (const r of rows)
      d.add(
        names,
        cols.map((c, i) => canon(c, r[i])),
      );
    return d;
  };

  it('is the same for the same rows read from either side, in any order', () => {
    const a = of(sqliteRows, canonicalSqlite);
    const b = of(pgRows, canonicalPg);
    expect(a.rows).toBe(2);
    expect(a.hex).toBe(b.hex);
  });

  it('differs when one value differs, or a NULL becomes empty', () => {
    const base = of(sqliteRows, canonicalSqlite).hex;
    expect(of([sqliteRows[0]!, [2n, Buffer.from('b'), null, 0n]], canonicalSqlite).hex).not.toBe(base);
    expect(of([sqliteRows[0]!, [2n, Buffer.from('b'), Buffer.alloc(0), 1n]], canonicalSqlite).hex).not.toBe(
      base,
    );
  });
});
