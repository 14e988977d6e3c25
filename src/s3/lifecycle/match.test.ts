import { describe, expect, it } from 'vitest';
import { DAY_MS, dueAt, scopeMatches, scopeMatchesIgnoringTags } from './match.js';
import type { RuleScope } from './model.js';

const filter = (f: Extract<RuleScope, { kind: 'filter' }>['filter']): RuleScope => ({
  kind: 'filter',
  filter: f,
});

describe('scopeMatches', () => {
  const obj = { key: 'logs/2024/a.txt', size: 100, tags: [{ key: 'tier', value: 'cold' }] };

  it('prefixes: the legacy rule-level one and the Filter one', () => {
    expect(scopeMatches({ kind: 'prefix', prefix: 'logs/' }, obj)).toBe(true);
    expect(scopeMatches({ kind: 'prefix', prefix: 'Logs/' }, obj)).toBe(false);
    expect(scopeMatches(filter({ kind: 'prefix', prefix: '' }), obj)).toBe(true);
    expect(scopeMatches(filter({ kind: 'all' }), obj)).toBe(true);
  });

  it('a tag matches key and value exactly', () => {
    expect(scopeMatches(filter({ kind: 'tag', tag: { key: 'tier', value: 'cold' } }), obj)).toBe(true);
    expect(scopeMatches(filter({ kind: 'tag', tag: { key: 'tier', value: 'hot' } }), obj)).toBe(false);
    expect(
      scopeMatches(filter({ kind: 'tag', tag: { key: 'tier', value: 'cold' } }), { key: 'k', size: 1 }),
    ).toBe(false);
  });

  it('size bounds are strict', () => {
    expect(scopeMatches(filter({ kind: 'sizeGreaterThan', size: 99 }), obj)).toBe(true);
    expect(scopeMatches(filter({ kind: 'sizeGreaterThan', size: 100 }), obj)).toBe(false);
    expect(scopeMatches(filter({ kind: 'sizeLessThan', size: 101 }), obj)).toBe(true);
    expect(scopeMatches(filter({ kind: 'sizeLessThan', size: 100 }), obj)).toBe(false);
  });

  it('And needs every predicate', () => {
    const and = (
      a: Partial<{ prefix: string; sizeLessThan: number }>,
      tags = [{ key: 'tier', value: 'cold' }],
    ) => filter({ kind: 'and', and: { tags, ...a } });
    expect(scopeMatches(and({ prefix: 'logs/', sizeLessThan: 200 }), obj)).toBe(true);
    expect(scopeMatches(and({ prefix: 'tmp/' }), obj)).toBe(false);
    expect(scopeMatches(and({ prefix: 'logs/' }, [{ key: 'x', value: '' }]), obj)).toBe(false);
    expect(scopeMatchesIgnoringTags(and({ prefix: 'logs/' }, [{ key: 'x', value: '' }]), obj)).toBe(true);
    expect(scopeMatchesIgnoringTags(and({ prefix: 'tmp/' }), obj)).toBe(false);
  });
});

describe('dueAt', () => {
  it('real days: creation time plus the days, rounded up to the next midnight UTC (as AWS)', () => {
    const created = Date.UTC(2026, 0, 1, 10, 30);
    expect(dueAt(created, 1, DAY_MS)).toBe(Date.UTC(2026, 0, 3));
    expect(dueAt(Date.UTC(2026, 0, 1), 1, DAY_MS)).toBe(Date.UTC(2026, 0, 2));
  });

  it('a shortened day: just the days times the day', () => {
    expect(dueAt(1_000_500, 3, 1000)).toBe(1_003_500);
  });
});
