import { constant, type Fail, type OperatorSpec } from './types.js';

/** Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses an integer or decimal; NaN when the text is not a number. */
export function parseNumber(s: string): number {
  return NUMBER.test(s.trim()) ? Number(s) : Number.NaN;
}

type Compare = (have: number, want: number) => boolean;

function numericOp(name: string, negated: boolean, cmp: Compare): OperatorSpec {
  return {
    name,
    negated,
    compile(values: readonly string[], _variables: boolean, fail: Fail) {
      const wants = values.map((v) => {
        const n = parseNumber(v);
        if (Number.isNaN(n)) fail(`operator needs numeric values, got "${v}"`);
        return n;
      });
      return constant((v) => {
        const n = parseNumber(v);
        if (Number.isNaN(n)) return false;
        for (const w of wants) if (cmp(n, w)) return true;
        return false;
      });
    },
  };
}

export const numericOperators: readonly OperatorSpec[] = [
  numericOp('NumericEquals', false, (a, b) => a === b),
  numericOp('NumericNotEquals', true, (a, b) => a === b),
  numericOp('NumericLessThan', false, (a, b) => a < b),
  numericOp('NumericLessThanEquals', false, (a, b) => a <= b),
  numericOp('NumericGreaterThan', false, (a, b) => a > b),
  numericOp('NumericGreaterThanEquals', false, (a, b) => a >= b),
];
