import { isKnownKey } from '../keys.js';
import {
  hasVariables,
  parseTemplate,
  partsToText,
  resolveTemplate,
  type TemplatePart,
} from '../variables.js';
import { compileGlob, type GlobPart, type Matcher } from '../wildcard.js';
import { constant, type Fail, type OperatorSpec, type Prepared, type ValueTest } from './types.js';

/**
 * Arn{Equals,Like,NotEquals,NotLike}. "Each of the six colon-delimited components of the ARN is
 * checked separately and each can include multi-character match wildcards (*) or
 * single-character match wildcards (?)" — so ArnEquals and ArnLike behave alike.
 */

/** Splits an ARN into its six components (the last keeps its colons); undefined if fewer. */
export function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const at = arn.indexOf(':', from);
    if (at < 0) return undefined;
    parts.push(arn.slice(from, at));
    from = at + 1;
  }
  parts.push(arn.slice(from));
  return parts;
}

function arnMatcher(pattern: string): Matcher {
  const parts = splitArn(pattern);
  if (parts === undefined) return compileGlob(pattern);
  const ms = parts.map((p) => compileGlob(p));
  return (v) => {
    const vs = splitArn(v);
    return vs !== undefined && ms.every((m, i) => m(vs[i]!));
  };
}

function testFor(patterns: readonly string[]): ValueTest {
  const ms = patterns.map(arnMatcher);
  return ms.length === 1 ? ms[0]! : (v) => ms.some((m) => m(v));
}

function arnOp(name: string, negated: boolean): OperatorSpec {
  return {
    name,
    negated,
    compile(values: readonly string[], variables: boolean, fail: Fail): Prepared {
      const templates: TemplatePart[][] = values.map((v) => {
        if (!(v === '*' || v.startsWith('arn:') || v.startsWith('${')))
          fail(`operator needs ARN values, got "${v}"`);
        return parseTemplate(v, variables, false, isKnownKey, (n) =>
          fail(`unknown policy variable \${${n}}`),
        );
      });
      if (!templates.some(hasVariables))
        return constant(testFor(templates.map((t) => partsToText(t as GlobPart[]))));
      return (ctx) => {
        const resolved: string[] = [];
        for (const t of templates) {
          const r = resolveTemplate(t, ctx);
          if (r !== undefined) resolved.push(partsToText(r));
        }
        return resolved.length === 0 ? null : testFor(resolved);
      };
    },
  };
}

export const arnOperators: readonly OperatorSpec[] = [
  arnOp('ArnEquals', false),
  arnOp('ArnLike', false),
  arnOp('ArnNotEquals', true),
  arnOp('ArnNotLike', true),
];
