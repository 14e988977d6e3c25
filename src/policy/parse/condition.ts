import { compileCondition } from '../conditions/compile.js';
import { parseOperatorName } from '../conditions/operators.js';
import { isKnownKey } from '../keys.js';
import type { ConditionBlock } from '../types.js';
import { fail, isObject } from './json.js';

function kindOf(operator: string): string {
  const n = operator.replace(/^For(Any|All)Values?:/i, '').toLowerCase();
  if (n.startsWith('numeric')) return 'numeric';
  if (n.startsWith('date')) return 'date';
  if (n.startsWith('bool') || n.startsWith('null')) return 'boolean';
  if (n.startsWith('binary')) return 'base64';
  if (n.includes('ipaddress')) return 'IP address';
  if (n.startsWith('arn')) return 'ARN';
  return 'string';
}

/**
 * Parses and validates a Condition block: operator → key → value or values. Values may be
 * strings, numbers or booleans (kept as their text).
 */
export function parseCondition(v: unknown, path: string, variables: boolean): ConditionBlock {
  if (!isObject(v)) fail(path, 'must be an object of condition operators');
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, body] of Object.entries(v)) {
    const opPath = `${path}.${operator}`;
    const parsed = parseOperatorName(operator);
    if (typeof parsed === 'string') fail(opPath, parsed);
    if (!isObject(body)) fail(opPath, 'must be an object of condition keys');
    if (Object.keys(body).length === 0) fail(opPath, 'must not be empty');
    const keys: Record<string, string[]> = {};
    for (const [key, raw] of Object.entries(body)) {
      if (!isKnownKey(key)) fail(`${opPath}.${key}`, 'unknown condition key');
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) fail(opPath, `operator needs ${kindOf(operator)} values, got an empty list`);
      const values = list.map((x) => {
        if (typeof x === 'string') return x;
        if (typeof x === 'number' || typeof x === 'boolean') return String(x);
        return fail(opPath, `operator needs ${kindOf(operator)} values`);
      });
      compileCondition(operator, key, values, variables, (rule) => fail(opPath, rule));
      keys[key] = values;
    }
    out[operator] = keys;
  }
  return out;
}
