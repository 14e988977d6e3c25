import { constant, type Fail, type OperatorSpec } from './types.js';

/** Date{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}. */

// "You must use one of the W3C implementations of the ISO 8601 date formats or epoch (UNIX) time."
const EPOCH = /^-?\d+(?:\.\d+)?$/;
const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Parses ISO 8601 (W3C profile; no zone means UTC) or epoch seconds into epoch ms; NaN if neither. */
export function parseDate(s: string): number {
  const t = s.trim();
  if (EPOCH.test(t)) return Number(t) * 1000;
  const m = ISO.exec(t);
  if (!m) return Number.NaN;
  if (m[2] === undefined) return Date.parse(`${m[1]}T00:00:00Z`);
  let zone = m[3] ?? 'Z';
  if (zone !== 'Z')
    zone =
      zone.length === 3 ? `${zone}:00` : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const time = m[2].length === 5 ? `${m[2]}:00` : m[2];
  return Date.parse(`${m[1]}T${time}${zone}`);
}

type Compare = (have: number, want: number) => boolean;

function dateOp(name: string, negated: boolean, cmp: Compare): OperatorSpec {
  return {
    name,
    negated,
    compile(values: readonly string[], _variables: boolean, fail: Fail) {
      const wants = values.map((v) => {
        const n = parseDate(v);
        if (Number.isNaN(n)) fail(`operator needs date values (ISO 8601 or epoch seconds), got "${v}"`);
        return n;
      });
      return constant((v) => {
        const n = parseDate(v);
        if (Number.isNaN(n)) return false;
        for (const w of wants) if (cmp(n, w)) return true;
        return false;
      });
    },
  };
}

export const dateOperators: readonly OperatorSpec[] = [
  dateOp('DateEquals', false, (a, b) => a === b),
  dateOp('DateNotEquals', true, (a, b) => a === b),
  dateOp('DateLessThan', false, (a, b) => a < b),
  dateOp('DateLessThanEquals', false, (a, b) => a <= b),
  dateOp('DateGreaterThan', false, (a, b) => a > b),
  dateOp('DateGreaterThanEquals', false, (a, b) => a >= b),
];
