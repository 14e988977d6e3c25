import { constant, type Fail, type OperatorSpec } from './types.js';

/**
 * Null: "true" holds when the key is absent, "false" when it is present. The returned test
 * receives "present" or "absent" rather than a context value (see compile.ts).
 */
export const nullOperator: OperatorSpec = {
  name: 'Null',
  negated: false,
  compile(values: readonly string[], _variables: boolean, fail: Fail) {
    const want = new Set<string>(
      values.map((v) => {
        const l = v.toLowerCase();
        if (l !== 'true' && l !== 'false')
          fail(`operator needs boolean values ("true" or "false"), got "${v}"`);
        return l === 'true' ? 'absent' : 'present';
      }),
    );
    return constant((state) => want.has(state));
  },
};
