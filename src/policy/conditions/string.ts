import { isKnownKey } from '../keys.js';
import {
  hasVariables,
  parseTemplate,
  partsToText,
  resolveTemplate,
  type TemplatePart,
} from '../variables.js';
import { compileParts, type GlobPart, type Matcher } from '../wildcard.js';
import { constant, type Fail, type OperatorSpec, type Prepared, type ValueTest } from './types.js';

/** String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,Like,NotLike}. */
type Mode = 'equals' | 'ignoreCase' | 'like';

function testFor(mode: Mode, resolved: readonly (readonly GlobPart[])[]): ValueTest {
  if (mode === 'like') {
    const matchers: Matcher[] = resolved.map(compileParts);
    if (matchers.length === 1) return matchers[0]!;
    return (v) => matchers.some((m) => m(v));
  }
  const words = resolved.map(partsToText);
  if (mode === 'ignoreCase') {
    const set = new Set(words.map((w) => w.toLowerCase()));
    return (v) => set.has(v.toLowerCase());
  }
  if (words.length === 1) {
    const only = words[0]!;
    return (v) => v === only;
  }
  const set = new Set(words);
  return (v) => set.has(v);
}

function stringOp(name: string, negated: boolean, mode: Mode): OperatorSpec {
  return {
    name,
    negated,
    compile(values: readonly string[], variables: boolean, fail: Fail): Prepared {
      const templates: TemplatePart[][] = values.map((v) =>
        parseTemplate(v, variables, mode === 'like', isKnownKey, (n) =>
          fail(`unknown policy variable \${${n}}`),
        ),
      );
      if (!templates.some(hasVariables)) return constant(testFor(mode, templates as GlobPart[][]));
      return (ctx) => {
        const resolved: GlobPart[][] = [];
        for (const t of templates) {
          const r = resolveTemplate(t, ctx);
          if (r !== undefined) resolved.push(r);
        }
        return resolved.length === 0 ? null : testFor(mode, resolved);
      };
    },
  };
}

export const stringOperators: readonly OperatorSpec[] = [
  stringOp('StringEquals', false, 'equals'),
  stringOp('StringNotEquals', true, 'equals'),
  stringOp('StringEqualsIgnoreCase', false, 'ignoreCase'),
  stringOp('StringNotEqualsIgnoreCase', true, 'ignoreCase'),
  stringOp('StringLike', false, 'like'),
  stringOp('StringNotLike', true, 'like'),
];
