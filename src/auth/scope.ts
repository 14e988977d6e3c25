import { TesseraError } from '../core/index.js';
import type { VerifiedRequest } from './types.js';

/** IAM and STS are global services: "use the default region (us-east-1)" in the credential scope. */
export const GLOBAL_REGION = 'us-east-1';

/** What the endpoint a request reached accepts in its SigV4 credential scope. */
export interface ScopeRule {
  /** The service the scope must name (s3, iam, sts). */
  service: string;
  /**
   * The regions accepted; the first is the one errors say is expected. May contain '' (MinIO
   * admin clients sign with an empty region).
   */
  regions: readonly string[];
  /**
   * How a mismatch is answered: S3's AuthorizationHeaderMalformed / AuthorizationQueryParametersError
   * with a <Region> element, or the Query APIs' SignatureDoesNotMatch ("Credential should be
   * scoped to …").
   */
  api: 's3' | 'query';
}

function s3ScopeError(verified: VerifiedRequest, reason: string, region?: string): TesseraError {
  const presigned = verified.kind === 'sigv4-presigned';
  return new TesseraError(
    presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
    presigned
      ? `Error parsing the X-Amz-Credential parameter; ${reason}`
      : `The authorization header is malformed; ${reason}`,
    region === undefined ? {} : { Region: region },
  );
}

/**
 * Checks the credential scope of a SigV4 request against the endpoint it reached (V2 and
 * anonymous requests have none). A signature is only valid for the service and region it was
 * derived for: a request signed for eu-west-1, or for iam, is not a request to this S3 endpoint.
 * Throws AuthorizationHeaderMalformed / AuthorizationQueryParametersError (S3) or
 * SignatureDoesNotMatch (Query APIs).
 * @example checkScope(verified, { service: 's3', regions: ['us-east-1'], api: 's3' })
 */
export function checkScope(verified: VerifiedRequest, rule: ScopeRule): void {
  const { service, region } = verified;
  if (service === undefined || region === undefined) return;
  const expected = rule.regions[0] ?? '';
  if (service !== rule.service) {
    // S3: 'incorrect service "iam". This endpoint belongs to "s3".'
    if (rule.api === 's3') {
      throw s3ScopeError(
        verified,
        `incorrect service "${service}". This endpoint belongs to "${rule.service}".`,
      );
    }
    throw new TesseraError(
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${rule.service}'. `,
    );
  }
  if (rule.regions.includes(region)) return;
  // S3: "the region 'eu-west-1' is wrong; expecting 'us-east-1'", with <Region>us-east-1</Region>.
  if (rule.api === 's3') {
    throw s3ScopeError(verified, `the region '${region}' is wrong; expecting '${expected}'`, expected);
  }
  throw new TesseraError(
    'SignatureDoesNotMatch',
    `Credential should be scoped to a valid region, not '${region}'. `,
  );
}
