import type { RequestContext } from '../context.js';

/** Tests one context value against a condition's policy values (true when any matches). */
export type ValueTest = (value: string) => boolean;

/**
 * A condition's policy values, compiled. Returns the test for this request's context (policy
 * variables resolved), or null when no policy value could be resolved.
 */
export type Prepared = (ctx: RequestContext) => ValueTest | null;

/** Reports a validation failure (throws). */
export type Fail = (rule: string) => never;

/** One condition operator, without qualifier or IfExists. */
export interface OperatorSpec {
  /** Canonical name, e.g. `StringNotLike`. */
  readonly name: string;
  /** True for the Not… operators: true when no policy value matches (and when the key is absent). */
  readonly negated: boolean;
  /** Compiles and validates the values (throws via `fail`). `variables`: substitute `${…}`. */
  compile(values: readonly string[], variables: boolean, fail: Fail): Prepared;
}

/** A Prepared whose test does not depend on the request. */
export function constant(test: ValueTest): Prepared {
  return () => test;
}
