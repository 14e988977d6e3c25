import { arnOperators } from './arn.js';
import { binaryOperators } from './binary.js';
import { boolOperators } from './bool.js';
import { dateOperators } from './date.js';
import { ipOperators } from './ip.js';
import { nullOperator } from './null.js';
import { numericOperators } from './numeric.js';
import { stringOperators } from './string.js';
import type { OperatorSpec } from './types.js';

/** Every base operator, by lower-cased name. */
const registry = new Map<string, OperatorSpec>(
  [
    ...stringOperators,
    ...numericOperators,
    ...dateOperators,
    ...boolOperators,
    ...binaryOperators,
    ...ipOperators,
    ...arnOperators,
    nullOperator,
  ].map((op) => [op.name.toLowerCase(), op]),
);

/** A set qualifier: none, ForAnyValue or ForAllValues. */
export type Qualifier = 'none' | 'any' | 'all';

/** An operator name taken apart: `ForAllValues:StringLikeIfExists`. */
export interface OperatorName {
  readonly spec: OperatorSpec;
  readonly qualifier: Qualifier;
  readonly ifExists: boolean;
}

/**
 * Parses an operator name; a string describing the problem when it is not one.
 * @example parseOperatorName('ForAnyValue:StringEqualsIfExists')
 */
export function parseOperatorName(name: string): OperatorName | string {
  let rest = name;
  let qualifier: Qualifier = 'none';
  const lower = name.toLowerCase();
  if (lower.startsWith('foranyvalue:')) {
    qualifier = 'any';
    rest = name.slice('ForAnyValue:'.length);
  } else if (lower.startsWith('forallvalues:')) {
    qualifier = 'all';
    rest = name.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const spec = registry.get(rest.toLowerCase());
  if (spec === undefined) return 'unknown condition operator';
  if (spec.name === 'Null' && ifExists) return 'Null does not take IfExists';
  if (spec.name === 'Null' && qualifier !== 'none') return 'Null does not take a set qualifier';
  return { spec, qualifier, ifExists };
}

/** Every base operator name (for documentation and tests). */
export function operatorNames(): string[] {
  return [...registry.values()].map((op) => op.name);
}
