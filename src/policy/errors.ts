import { type ErrorCode, TesseraError } from '../core/index.js';

/**
 * The one error a policy document can raise: names the JSON path and the rule it broke.
 * @example new PolicyError('Statement[2].Condition.StringLike', 'operator needs string values')
 */
export class PolicyError extends TesseraError {
  /** Where in the document, e.g. `Statement[2].Condition.StringLike` ('' for the whole document). */
  readonly path: string;
  /** What rule the value broke, in a few words. */
  readonly rule: string;

  constructor(path: string, rule: string, code: ErrorCode = 'MalformedPolicyDocument') {
    super(code, path === '' ? rule : `${path}: ${rule}`);
    this.name = 'PolicyError';
    this.path = path;
    this.rule = rule;
  }
}

/** True when `e` is a PolicyError. */
export function isPolicyError(e: unknown): e is PolicyError {
  return e instanceof PolicyError;
}
