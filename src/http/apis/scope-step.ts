import { checkScope, type ScopeRule, type VerifiedRequest } from '../../auth/index.js';
import { isTesseraError } from '../../core/index.js';
import type { Trace } from '../exchange.js';

/**
 * A signature is valid only for the service and region it was derived for: the credential scope
 * must name what this endpoint serves (an authentication failure, recorded as one).
 */
export function scopeStep(trace: Trace, verified: VerifiedRequest, rule: ScopeRule): void {
  try {
    checkScope(verified, rule);
  } catch (e) {
    trace.auth = {
      ...trace.auth,
      ms: trace.auth?.ms ?? 0,
      error: isTesseraError(e) ? e.code : 'InternalError',
    };
    throw e;
  }
}
