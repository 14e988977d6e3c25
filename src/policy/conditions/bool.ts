import { constant, type Fail, type OperatorSpec } from './types.js';

/** Bool: the context value, case-insensitively, equals "true" or "false" as the policy says. */
export const boolOperators: readonly OperatorSpec[] = [
  {
    name: 'Bool',
    negated: false,
    compile(values: readonly string[], _variables: boolean, fail: Fail) {
      const set = new Set<string>(
        values.map((v) => {
          const l = v.toLowerCase();
          if (l !== 'true' && l !== 'false')
            fail(`operator needs boolean values ("true" or "false"), got "${v}"`);
          return l;
        }),
      );
      return constant((v) => set.has(v.toLowerCase()));
    },
  },
];
