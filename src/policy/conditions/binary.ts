import { constant, type Fail, type OperatorSpec } from './types.js';

/** Base64 as a policy writes it (padded, standard alphabet). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical base64 of a base64 string, or undefined when it is not base64. */
export function canonicalBase64(s: string): string | undefined {
  return BASE64.test(s) ? Buffer.from(s, 'base64').toString('base64') : undefined;
}

/**
 * BinaryEquals: a policy value is the base64 of some bytes; it matches a request value whose
 * bytes (UTF-8) are those bytes — `bXlidWNrZXQvbXlvYmplY3Q=` matches `mybucket/myobject`.
 */
export const binaryOperators: readonly OperatorSpec[] = [
  {
    name: 'BinaryEquals',
    negated: false,
    compile(values: readonly string[], _variables: boolean, fail: Fail) {
      const set = new Set(
        values.map((v) => canonicalBase64(v) ?? fail(`operator needs base64 values, got "${v}"`)),
      );
      return constant((v) => set.has(Buffer.from(v, 'utf8').toString('base64')));
    },
  },
];
