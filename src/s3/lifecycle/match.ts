import type { Tag } from '../../storage/index.js';
import type { LifecycleFilter, RuleScope } from './model.js';

/** What a rule's filter reads of a version: a delete marker or an upload has size 0 and no tags. */
export interface Candidate {
  key: string;
  size: number;
  /** Undefined when not read (yet): a filter naming tags then needs them (scopeUsesTags). */
  tags?: readonly Tag[];
}

const hasTag = (tags: readonly Tag[] | undefined, t: Tag) =>
  tags?.some((x) => x.key === t.key && x.value === t.value) ?? false;

function filterMatches(f: LifecycleFilter, c: Candidate): boolean {
  switch (f.kind) {
    case 'all':
      return true;
    case 'prefix':
      return c.key.startsWith(f.prefix);
    case 'tag':
      return hasTag(c.tags, f.tag);
    case 'sizeGreaterThan':
      return c.size > f.size;
    case 'sizeLessThan':
      return c.size < f.size;
    case 'and': {
      const a = f.and;
      return (
        (a.prefix === undefined || c.key.startsWith(a.prefix)) &&
        (a.sizeGreaterThan === undefined || c.size > a.sizeGreaterThan) &&
        (a.sizeLessThan === undefined || c.size < a.sizeLessThan) &&
        a.tags.every((t) => hasTag(c.tags, t))
      );
    }
  }
}

/** Whether a rule applies to the candidate (every predicate holds: the key, its size, its tags). */
export function scopeMatches(scope: RuleScope, c: Candidate): boolean {
  return scope.kind === 'prefix' ? c.key.startsWith(scope.prefix) : filterMatches(scope.filter, c);
}

/** Whether a rule could apply once the tags are known: every predicate but the tags holds. */
export function scopeMatchesIgnoringTags(scope: RuleScope, c: Omit<Candidate, 'tags'>): boolean {
  if (scope.kind === 'prefix') return c.key.startsWith(scope.prefix);
  const f = scope.filter;
  if (f.kind === 'tag') return true;
  if (f.kind === 'and') return filterMatches({ kind: 'and', and: { ...f.and, tags: [] } }, c);
  return filterMatches(f, c);
}

export const DAY_MS = 86_400_000;

/**
 * When an action "N days after" `from` falls due. With real days, as AWS: "Amazon S3 calculates
 * the time by adding the number of days specified in the rule to the object creation time and
 * rounding up the resulting time to the next day midnight UTC." With a shortened day (tests,
 * TESSERA_LIFECYCLE_DAY) it is simply `from + days × day`.
 */
export function dueAt(from: number, days: number, dayMs: number): number {
  const t = from + days * dayMs;
  if (dayMs !== DAY_MS) return t;
  const into = ((t % DAY_MS) + DAY_MS) % DAY_MS;
  return into === 0 ? t : t - into + DAY_MS;
}
