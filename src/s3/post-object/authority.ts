import type { S3AccessCheck } from '../access.js';

/**
 * What the PostObject handler asks of the HTTP layer, which received the request anonymous (a
 * form carries no Authorization header): prove who sent the form from its fields, then answer
 * the upload's access checks for that principal with the one authorizer. The handler never sees
 * a secret; both steps are recorded in the request's event (auth.kind `post-policy`).
 */
export interface PostFormAuthority {
  /**
   * Verifies the form's signature fields (lower-case names → first value), or accepts a form
   * without any as anonymous. Throws the S3 error (InvalidArgument, InvalidAccessKeyId,
   * InvalidToken, SignatureDoesNotMatch).
   */
  authenticate(fields: ReadonlyMap<string, string>): Promise<{ anonymous: boolean }>;
  /** Every check must be allowed for the principal `authenticate` proved (else AccessDenied). */
  authorize(checks: readonly S3AccessCheck[]): Promise<void>;
  /** `scheme://host` the request reached, for the Location of the uploaded object. */
  readonly baseUrl: string;
}
