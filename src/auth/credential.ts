import { constantTimeEqual, TesseraError } from '../core/index.js';
import type { Credential } from './types.js';

/**
 * Checks a looked-up credential and the request's session token: temporary credentials need
 * their token, long-term keys must not carry one.
 * Throws InvalidAccessKeyId (unknown key) or InvalidToken (token missing, wrong or unexpected).
 */
export function checkCredential<P>(
  credential: Credential<P> | undefined,
  sessionToken: string | undefined,
): Credential<P> {
  if (!credential) throw new TesseraError('InvalidAccessKeyId');
  const required = credential.sessionToken;
  if (
    required === undefined ? sessionToken !== undefined : !constantTimeEqual(required, sessionToken ?? '')
  ) {
    throw new TesseraError('InvalidToken');
  }
  return credential;
}
