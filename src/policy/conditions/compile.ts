import type { RequestContext } from '../context.js';
import { parseOperatorName } from './operators.js';
import type { Fail, ValueTest } from './types.js';

/** One (operator, key) pair of a Condition block, ready to test against a request. */
export interface CompiledCondition {
  /** As written in the policy, e.g. `ForAnyValue:StringLike`. */
  readonly operator: string;
  /** As written in the policy, e.g. `aws:TagKeys`. */
  readonly key: string;
  readonly keyLower: string;
  readonly test: (ctx: RequestContext) => boolean;
}

function some(values: readonly string[], t: ValueTest): boolean {
  for (const v of values) if (t(v)) return true;
  return false;
}

function every(values: readonly string[], t: ValueTest): boolean {
  for (const v of values) if (!t(v)) return false;
  return true;
}

function none(values: readonly string[], t: ValueTest): boolean {
  for (const v of values) if (t(v)) return false;
  return true;
}

function someNot(values: readonly string[], t: ValueTest): boolean {
  for (const v of values) if (!t(v)) return true;
  return false;
}

/**
 * Compiles one condition. Rules (AWS): an absent key makes a positive operator false and a
 * negated one true; `…IfExists` makes it true; ForAllValues is true on an absent key,
 * ForAnyValue false. Several context values without a qualifier behave as ForAnyValue for a
 * positive operator; a negated operator then holds when no value matches.
 */
export function compileCondition(
  operator: string,
  key: string,
  values: readonly string[],
  variables: boolean,
  fail: Fail,
): CompiledCondition {
  const parsed = parseOperatorName(operator);
  if (typeof parsed === 'string') fail(parsed);
  const { spec, qualifier, ifExists } = parsed;
  const prepared = spec.compile(values, variables, fail);
  const keyLower = key.toLowerCase();
  const base = { operator, key, keyLower };
  if (spec.name === 'Null') {
    return { ...base, test: (ctx) => prepared(ctx)!(ctx.has(keyLower) ? 'present' : 'absent') };
  }
  const onMissing = ifExists || qualifier === 'all' || (qualifier === 'none' && spec.negated);
  const combine =
    qualifier === 'all'
      ? spec.negated
        ? none
        : every
      : qualifier === 'any' && spec.negated
        ? someNot
        : some;
  const invert = qualifier === 'none' && spec.negated;
  return {
    ...base,
    test: (ctx) => {
      const have = ctx.get(keyLower);
      if (have === undefined) return onMissing;
      const t = prepared(ctx);
      if (t === null) return false;
      return combine(have, t) !== invert;
    },
  };
}
